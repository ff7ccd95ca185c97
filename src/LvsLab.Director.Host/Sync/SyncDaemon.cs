using System.Net;
using System.Net.Sockets;
using LvsLab.Director.Connections;
using LvsLab.Director.Sync;
using LvsLab.Packets;

namespace LvsLab.Director.Host.Sync;

/// <summary>
/// Connection synchronisation between the two directors of a VRRP pair, in IPVS's message
/// format (version 1, <see cref="SyncMessage"/>) over UDP multicast to 224.0.0.81:8848 on the
/// first interface, as the kernel's sync daemons send it. The master (the director not standing
/// by) sends its whole table every <see cref="Period"/> — taken a slice at a time under the
/// engine's lock, like the listing, and written and sent with the lock free — so each
/// connection reaches the backup within a period of being made and its timeout is refreshed;
/// the backup (standing by) installs what it receives (<see cref="DirectorEngine.Install"/>),
/// so after a takeover the established connections carry on to their real servers. A director
/// that is master ignores what it receives. One period's cost is the table's size: for a lab's
/// tables, not a million connections a second.
/// </summary>
internal sealed class SyncDaemon : IDisposable
{
    /// <summary>The multicast group of IPVS's sync messages.</summary>
    public static readonly IPAddress Group = new(new byte[] { 224, 0, 0, 81 });

    private const int SliceLength = 1024;

    private readonly LiveDirector director;
    private readonly IPAddress local;
    private readonly byte syncId;
    private readonly TextWriter log;
    private readonly CancellationTokenSource stop = new();
    private readonly Socket sender;
    private readonly Socket receiver;
    private Thread? sending;
    private Thread? receiving;
    private long sentMessages;
    private long sentEntries;
    private long receivedMessages;
    private long installedEntries;
    private long refusedMessages;

    /// <summary>Opens the sockets on the interface with address <paramref name="address"/>.</summary>
    public SyncDaemon(LiveDirector director, Ipv4Address address, byte syncId, TimeSpan period, TextWriter log)
    {
        this.director = director;
        this.syncId = syncId;
        this.log = log;
        Period = period;
        var bytes = new byte[Ipv4Address.Length];
        address.WriteTo(bytes);
        local = new IPAddress(bytes);
        sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, local.GetAddressBytes());
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 1);
        sender.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, false);
        sender.Bind(new IPEndPoint(local, 0));
        receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        receiver.Bind(new IPEndPoint(IPAddress.Any, SyncWire.DefaultPort));
        receiver.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(Group, local));
    }

    /// <summary>How often the master sends its table.</summary>
    public TimeSpan Period { get; }

    /// <summary>The counters (from any thread).</summary>
    public SyncCounters Counters => new(
        Interlocked.Read(ref sentMessages),
        Interlocked.Read(ref sentEntries),
        Interlocked.Read(ref receivedMessages),
        Interlocked.Read(ref installedEntries),
        Interlocked.Read(ref refusedMessages));

    /// <summary>Starts sending (while master) and receiving (while backup).</summary>
    public void Start()
    {
        log.WriteLine($"lvs-director: sync: IPVS sync messages v1, sync id {syncId}, {Group}:{SyncWire.DefaultPort} from {local}, the table every {Period.TotalMilliseconds:F0} ms while master");
        sending = new Thread(SendLoop) { IsBackground = true, Name = "sync send" };
        receiving = new Thread(ReceiveLoop) { IsBackground = true, Name = "sync receive" };
        sending.Start();
        receiving.Start();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        stop.Cancel();
        receiver.Dispose();
        sender.Dispose();
        sending?.Join(TimeSpan.FromSeconds(2));
        receiving?.Join(TimeSpan.FromSeconds(2));
        stop.Dispose();
    }

    private void SendLoop()
    {
        var slice = new KeyValuePair<ConnectionKey, ConnectionEntry>[SliceLength];
        var entries = new SyncEntry[SliceLength];
        var message = new byte[SyncWire.DefaultMaxPayload];
        var destination = new IPEndPoint(Group, SyncWire.DefaultPort);
        while (!stop.Token.WaitHandle.WaitOne(Period))
        {
            try
            {
                SendTable(slice, entries, message, destination);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                log.WriteLine($"lvs-director: sync: sending failed: {e.Message}");
            }
        }
    }

    // One round: templates first (a backup then counts each connection in its template), then
    // the connections, a slice at a time.
    private void SendTable(KeyValuePair<ConnectionKey, ConnectionEntry>[] slice, SyncEntry[] entries, byte[] message, IPEndPoint destination)
    {
        lock (director.Gate)
        {
            if (director.Engine.Standby)
            {
                return;
            }
        }

        var (templates, rules, now) = ConnectionSlices.Templates(director);
        var count = 0;
        foreach (var (key, template) in templates.Where(t => !t.Value.IsExpired(now)))
        {
            var service = rules.Services[key.ServiceIndex];
            if (!SyncConnectionMapping.IsSynchronised(service, service.RealServers[template.RealServerIndex]))
            {
                continue;
            }

            entries[count++] = SyncConnectionMapping.FromTemplate(key, template, service, service.RealServers[template.RealServerIndex], now);
            if (count == entries.Length)
            {
                Send(entries.AsSpan(0, count), message, destination);
                count = 0;
            }
        }

        Send(entries.AsSpan(0, count), message, destination);
        var walk = new ConnectionSlices(director, slice, SliceLength, onlyWhileMaster: true);
        while (walk.Next())
        {
            count = 0;
            for (var i = 0; i < walk.Count; i++)
            {
                var (key, entry) = slice[i];
                var service = walk.Rules.Services[entry.ServiceIndex];
                if (!entry.IsExpired(walk.Now) && SyncConnectionMapping.IsSynchronised(service, service.RealServers[entry.RealServerIndex]))
                {
                    entries[count++] = SyncConnectionMapping.FromConnection(key, entry, service, service.RealServers[entry.RealServerIndex], walk.Now);
                }
            }

            Send(entries.AsSpan(0, count), message, destination);
        }
    }

    private void Send(ReadOnlySpan<SyncEntry> entries, byte[] message, IPEndPoint destination)
    {
        while (!entries.IsEmpty)
        {
            int length = SyncMessageWriter.Write(entries, syncId, message, out int written);
            sender.SendTo(message, 0, length, SocketFlags.None, destination);
            Interlocked.Increment(ref sentMessages);
            Interlocked.Add(ref sentEntries, written);
            entries = entries[written..];
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[SyncWire.MaxPayloadLimit];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (!stop.IsCancellationRequested)
        {
            int length;
            try
            {
                length = receiver.ReceiveFrom(buffer, ref from);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                log.WriteLine($"lvs-director: sync: receiving failed: {e.Message}");
                continue;
            }

            Interlocked.Increment(ref receivedMessages);
            if (!SyncMessage.TryRead(buffer.AsSpan(0, length), out var message, out _) || !message.IsFor(syncId))
            {
                Interlocked.Increment(ref refusedMessages);
                continue;
            }

            lock (director.Gate)
            {
                // A master keeps its own table; only a director standing by takes the master's.
                if (director.Engine.Standby)
                {
                    Interlocked.Add(ref installedEntries, SyncConnectionMapping.InstallAll(director.Engine, message, director.NowMilliseconds));
                }
            }
        }
    }
}
