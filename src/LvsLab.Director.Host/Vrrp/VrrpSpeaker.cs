using System.Diagnostics;
using System.Text.Json;
using LvsLab.Director.Vrrp;
using LvsLab.Packets;

namespace LvsLab.Director.Host.Vrrp;

/// <summary>
/// Runs the director's VRRP virtual router (<see cref="VrrpRouter"/>) on its first interface:
/// a thread of its own keeps the timers, sends the advertisements, and on becoming master
/// takes the VIPs — the engine stops standing by (<see cref="DirectorEngine.Standby"/>) and
/// gratuitous ARPs from the interface's MAC tell every neighbour where the VIPs (and a NAT
/// pair's floating gateway, on its own interface) now are, as
/// keepalived does; on becoming backup (or stopping) it stands by again. Advertisements
/// received are handed over by the frame loop (<see cref="Offer"/>, under the engine's lock: a
/// copy into a fixed inbox, no system call) and taken by the thread once the loop has let the
/// lock go (<see cref="AfterPass"/>). On stop a master sends a priority 0 advertisement, so a
/// backup takes over within its skew time instead of three intervals.
/// </summary>
internal sealed class VrrpSpeaker : IDisposable
{
    /// <summary>Gratuitous ARPs sent per VIP on becoming master (keepalived's <c>garp_master_repeat</c> is 5).</summary>
    public const int GratuitousArpRepeat = 3;

    private const int InboxSlots = 16;
    private const int SlotLength = 1536;

    private readonly VrrpRouter router;
    private readonly LiveDirector director;
    private readonly int port;
    private readonly IReadOnlyList<(IpAddress Address, int Port, MacAddress Mac)> announced;
    private readonly TextWriter log;
    private readonly Lock routerGate = new();
    private readonly Lock inboxGate = new();
    private readonly byte[][] inbox = [.. Enumerable.Range(0, InboxSlots).Select(_ => new byte[SlotLength])];
    private readonly int[] inboxLengths = new int[InboxSlots];
    private readonly SemaphoreSlim wake = new(0);
    private readonly byte[] output = new byte[SlotLength];
    private readonly byte[] received = new byte[SlotLength];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private int inboxCount;
    private int pending;
    private long inboxDropped;
    private ushort identification;
    private volatile bool stopping;
    private Thread? thread;

    /// <summary>
    /// Makes the speaker, advertising on <paramref name="port"/>; on becoming master it announces
    /// each of <paramref name="announced"/> (every virtual address, with the interface whose subnet
    /// holds it and that interface's MAC): an IPv4 address by gratuitous ARP, an IPv6 VIP by an
    /// unsolicited neighbour advertisement to all nodes with the override flag (RFC 4861 §7.2.6). The director stands by until <see cref="Start"/> finds it master.
    /// </summary>
    public VrrpSpeaker(VrrpRouterOptions options, LiveDirector director, int port, IReadOnlyList<(IpAddress Address, int Port, MacAddress Mac)> announced, TextWriter log)
    {
        router = new VrrpRouter(options);
        this.director = director;
        this.port = port;
        this.announced = announced;
        this.log = log;
        lock (director.Gate)
        {
            director.Engine.Standby = true;
        }
    }

    /// <summary>The router's configuration.</summary>
    public VrrpRouterOptions Options => router.Options;

    /// <summary>A snapshot of the router's state and counters, from any thread.</summary>
    public VrrpSnapshot Snapshot()
    {
        lock (routerGate)
        {
            var c = router.Counters;
            return new VrrpSnapshot(
                router.State,
                router.MasterAddress,
                router.MasterAdvertisementInterval,
                c.Received,
                c.Accepted,
                c.Received - c.Accepted,
                c.MasterTransitions,
                c.BackupTransitions,
                Interlocked.Read(ref inboxDropped),
                [.. Enum.GetValues<VrrpIgnoreReason>().Select(r => (JsonNamingPolicy.CamelCase.ConvertName(r.ToString()), c.Ignored(r)))],
                c.AddressListMismatches);
        }
    }

    /// <summary>Whether <paramref name="frame"/> is an IPv4 packet of IP protocol 112 (VRRP).</summary>
    public static bool IsVrrp(ReadOnlySpan<byte> frame) =>
        frame.Length >= EthernetFrame.HeaderLength + 20 && frame[12] == 0x08 && frame[13] == 0x00 && frame[EthernetFrame.HeaderLength + 9] == IpProtocol.Vrrp;

    /// <summary>
    /// From the frame loop, under the engine's lock: takes a VRRP frame into the inbox (a copy,
    /// no system call; a full inbox drops and counts it). Returns false for any other frame.
    /// </summary>
    public bool Offer(ReadOnlySpan<byte> frame)
    {
        if (!IsVrrp(frame))
        {
            return false;
        }

        lock (inboxGate)
        {
            if (inboxCount < InboxSlots && frame.Length <= SlotLength)
            {
                frame.CopyTo(inbox[inboxCount]);
                inboxLengths[inboxCount++] = frame.Length;
                pending = 1;
            }
            else
            {
                inboxDropped++;
            }
        }

        return true;
    }

    /// <summary>From the frame loop once it has let the engine's lock go: wakes the speaker if a frame came.</summary>
    public void AfterPass()
    {
        if (Volatile.Read(ref pending) != 0 && Interlocked.Exchange(ref pending, 0) != 0)
        {
            wake.Release();
        }
    }

    /// <summary>Starts the router (Backup, or Master for the owner) and its thread.</summary>
    public void Start()
    {
        log.WriteLine($"lvs-director: vrrp: virtual router {router.Options.VirtualRouterId} priority {router.Options.Priority} advert every {router.Options.AdvertisementInterval * 10} ms{(router.Options.Preempt ? string.Empty : ", no preemption")} for {string.Join(", ", router.Options.VirtualAddresses)} on port {port}");
        thread = new Thread(Run) { IsBackground = true, Name = "vrrp" };
        thread.Start();
    }

    /// <summary>Stops: a master hands over with a priority 0 advertisement, and the director stands by.</summary>
    public void Stop()
    {
        if (thread is null || stopping)
        {
            return;
        }

        stopping = true;
        wake.Release();
        thread.Join(TimeSpan.FromSeconds(2));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Stop();
        wake.Dispose();
    }

    private long Now => clock.ElapsedMilliseconds;

    private void Run()
    {
        VrrpActions actions;
        lock (routerGate)
        {
            actions = router.Start(Now);
        }

        Apply(actions);
        while (!stopping)
        {
            long deadline;
            lock (routerGate)
            {
                deadline = router.NextDeadline;
            }

            long wait = deadline == VrrpRouter.NoDeadline ? 1000 : Math.Clamp(deadline - Now, 0, 1000);
            if (wait > 0)
            {
                wake.Wait(TimeSpan.FromMilliseconds(wait));
            }

            if (stopping)
            {
                break;
            }

            TakeInbox();
            lock (routerGate)
            {
                actions = Now >= router.NextDeadline ? router.Tick(Now) : VrrpActions.None;
            }

            Apply(actions);
        }

        lock (routerGate)
        {
            actions = router.Shutdown(Now);
        }

        Apply(actions);
    }

    private void TakeInbox()
    {
        while (true)
        {
            int length;
            lock (inboxGate)
            {
                if (inboxCount == 0)
                {
                    return;
                }

                length = inboxLengths[0];
                inbox[0].AsSpan(0, length).CopyTo(received);

                // Keep the order: move the rest up one slot (at most 15 short copies).
                var first = inbox[0];
                Array.Copy(inbox, 1, inbox, 0, inboxCount - 1);
                Array.Copy(inboxLengths, 1, inboxLengths, 0, inboxCount - 1);
                inbox[--inboxCount] = first;
            }

            VrrpActions actions;
            lock (routerGate)
            {
                actions = router.Receive(received.AsSpan(EthernetFrame.HeaderLength, length - EthernetFrame.HeaderLength), Now);
            }

            Apply(actions);
        }
    }

    private void Apply(VrrpActions actions)
    {
        if ((actions & VrrpActions.BecameMaster) != 0)
        {
            lock (director.Gate)
            {
                director.Engine.Standby = false;
            }

            log.WriteLine($"lvs-director: vrrp: master (virtual router {router.Options.VirtualRouterId}, priority {router.Options.Priority})");
        }

        if ((actions & (VrrpActions.BecameBackup | VrrpActions.Stopped)) != 0)
        {
            lock (director.Gate)
            {
                director.Engine.Standby = true;
            }

            log.WriteLine($"lvs-director: vrrp: {((actions & VrrpActions.Stopped) != 0 ? "stopped" : "backup")} (virtual router {router.Options.VirtualRouterId}, priority {router.Options.Priority}{(router.MasterAddress != Ipv4Address.Any ? $", master {router.MasterAddress}" : string.Empty)})");
        }

        if ((actions & (VrrpActions.SendAdvertisement | VrrpActions.SendPriorityZeroAdvertisement)) != 0)
        {
            int length;
            lock (routerGate)
            {
                length = router.WriteAdvertisement(output, ++identification, stopping: (actions & VrrpActions.SendPriorityZeroAdvertisement) != 0);
            }

            director.SendFrame(port, output.AsSpan(0, length));
        }

        if ((actions & VrrpActions.SendGratuitousArp) != 0 && (director.Engine.Options.Faults & DirectorFaults.NoGratuitousArp) == 0)
        {
            for (var round = 0; round < GratuitousArpRepeat; round++)
            {
                foreach (var (address, on, from) in announced)
                {
                    int length = address.IsIpv4
                        ? GratuitousArp.Write(output, from, address.Ipv4)
                        : NeighbourAdvertisement.WriteUnsolicitedFrame(output, from, address.Ipv6);
                    director.SendFrame(on, output.AsSpan(0, length));
                }
            }
        }
    }
}
