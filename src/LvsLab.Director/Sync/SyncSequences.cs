namespace LvsLab.Director.Sync;

/// <summary>
/// The sequence option of an entry (<c>IPVS_OPT_SEQ_DATA</c>, <c>struct ip_vs_sync_conn_options</c>):
/// the input then the output adjustment.
/// </summary>
/// <param name="Input">Client to server (<c>in_seq</c>).</param>
/// <param name="Output">Server to client (<c>out_seq</c>).</param>
public readonly record struct SyncSequences(SyncSequence Input, SyncSequence Output);
