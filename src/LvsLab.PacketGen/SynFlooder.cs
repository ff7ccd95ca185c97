using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LvsLab.PacketIo;

namespace LvsLab.PacketGen;

/// <summary>
/// Sends paced TCP SYNs from forged lab addresses (<see cref="SynSequence"/>) through one raw
/// IPv4 socket (<c>socket(AF_INET, SOCK_RAW, IPPROTO_RAW)</c>, which implies <c>IP_HDRINCL</c>;
/// needs root or CAP_NET_RAW), each batch one <c>sendmmsg</c> (<see cref="FrameBatch"/>), paced as
/// <see cref="UdpBlaster"/> paces (<see cref="Pacer"/>). Before it opens the socket it checks
/// again that the destination and the sources are inside the lab (<see cref="LabBoundary"/>).
/// </summary>
internal static class SynFlooder
{
    /// <summary>Sends <c>rate × seconds</c> SYNs, or fewer if <paramref name="stop"/> is cancelled.</summary>
    /// <param name="arguments">A parsed <c>syn</c> command line.</param>
    /// <param name="localSubnets">This machine's interface subnets (<see cref="LocalSubnet.ReadAll"/>).</param>
    /// <param name="stop">Stops the run early.</param>
    public static BlastResult Run(GenArguments arguments, IReadOnlyList<LocalSubnet> localSubnets, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (arguments.Command != GenCommand.Syn || arguments.To is null || arguments.Sources is not { } sources)
        {
            throw new ArgumentException("not a syn command line with --to and --sources", nameof(arguments));
        }

        LabBoundary.RequireInsideLab(arguments.To, sources, localSubnets);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw) { SendBufferSize = 1 << 20 };
        using var batch = new FrameBatch(arguments.Batch, 64);

        // A raw socket takes the destination address from the message; the port is in the TCP header.
        batch.SetDestination(new IPEndPoint(arguments.To.Address, 0));
        for (var i = 0; i < arguments.Batch; i++)
        {
            batch.Commit(SynPacket.Length);
        }

        var syns = new SynSequence(arguments.To, sources, arguments.Seed);
        var total = (long)Math.Round(arguments.Rate * arguments.Seconds);
        var pacer = new Pacer(arguments.Rate, total);
        var descriptor = (int)socket.SafeHandle.DangerousGetHandle();
        long sent = 0, errors = 0;
        var clock = Stopwatch.StartNew();
        // A flood lasts its seconds: at a rate above what the machine can send, it ends on time
        // with fewer SYNs, rather than catching up for as long as that takes.
        while (sent + errors < total && clock.Elapsed.TotalSeconds < arguments.Seconds && !stop.IsCancellationRequested)
        {
            var elapsed = clock.Elapsed.TotalSeconds;
            var due = pacer.Due(elapsed, sent + errors, arguments.Batch);
            if (due == 0)
            {
                // Ahead of the rate: give the core away until the next SYN is due.
                if (pacer.DueAt(sent + errors) - elapsed > 0.002)
                {
                    Thread.Sleep(1);
                }
                else
                {
                    Thread.Yield();
                }

                continue;
            }

            for (var i = 0; i < due; i++)
            {
                syns.Next(batch.Frame(i));
            }

            var accepted = batch.Send(descriptor, due, out _);
            sent += accepted;
            errors += due - accepted;
        }

        return new BlastResult(sent, errors, clock.Elapsed.TotalSeconds);
    }
}
