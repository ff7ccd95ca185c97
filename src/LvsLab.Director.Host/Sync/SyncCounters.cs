namespace LvsLab.Director.Host.Sync;

/// <summary>What the sync daemon has done (for <c>stats</c>).</summary>
/// <param name="SentMessages">Messages sent while master.</param>
/// <param name="SentEntries">Connections and templates in them.</param>
/// <param name="ReceivedMessages">Datagrams received on the sync group.</param>
/// <param name="InstalledEntries">Entries installed while standing by.</param>
/// <param name="RefusedMessages">Datagrams that were no valid message for our sync id.</param>
internal sealed record SyncCounters(long SentMessages, long SentEntries, long ReceivedMessages, long InstalledEntries, long RefusedMessages);
