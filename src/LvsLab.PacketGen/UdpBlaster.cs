using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using LvsLab.PacketIo;

namespace LvsLab.PacketGen;

/// <summary>What a run sent.</summary>
/// <param name="Sent">Datagrams the kernel took.</param>
/// <param name="Errors">Datagrams it refused.</param>
/// <param name="Seconds">From the first send to the last.</param>
internal readonly record struct BlastResult(long Sent, long Errors, double Seconds)
{
    /// <summary>Datagrams per second achieved.</summary>
    public double Rate => Seconds > 0 ? Sent / Seconds : 0;
}

/// <summary>
/// Sends paced UDP datagrams from <see cref="GenArguments.Flows"/> sockets (one source
/// port each, taken in turn per batch), each batch one <c>sendmmsg</c>. Every datagram carries
/// a sequence number. Unlike hping3 (one <c>sendto</c> and a sleep per packet) it keeps up with
/// hundreds of thousands of datagrams per second on one core.
/// </summary>
internal static class UdpBlaster
{
    public static BlastResult Run(GenArguments arguments, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var sockets = new List<Socket>();
        var batches = new List<FrameBatch>();
        try
        {
            for (var f = 0; f < arguments.Flows; f++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { SendBufferSize = 1 << 20 };
                // Bound, not connected: a connected UDP socket fails its next send after an ICMP
                // port-unreachable answer, and real servers with no listener answer so.
                socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Any, arguments.FirstPort == 0 ? 0 : arguments.FirstPort + f));
                sockets.Add(socket);
                var batch = new FrameBatch(arguments.Batch, Math.Max(64, arguments.PayloadLength));
                batch.SetDestination(arguments.To!);
                for (var i = 0; i < arguments.Batch; i++)
                {
                    batch.Commit(arguments.PayloadLength);
                }

                batches.Add(batch);
            }

            var total = (long)Math.Round(arguments.Rate * arguments.Seconds);
            var pacer = new Pacer(arguments.Rate, total);
            long sent = 0, errors = 0, sequence = 0;
            var flow = 0;
            var clock = Stopwatch.StartNew();
            while (sent + errors < total && !stop.IsCancellationRequested)
            {
                var elapsed = clock.Elapsed.TotalSeconds;
                var due = pacer.Due(elapsed, sent + errors, arguments.Batch);
                if (due == 0)
                {
                    // Ahead of the rate: give the core away until the next datagram is due.
                    var wait = pacer.DueAt(sent + errors) - elapsed;
                    if (wait > 0.002)
                    {
                        Thread.Sleep(1);
                    }
                    else
                    {
                        Thread.Yield();
                    }

                    continue;
                }

                var batch = batches[flow];
                var descriptor = (int)sockets[flow].SafeHandle.DangerousGetHandle();
                flow = flow + 1 == sockets.Count ? 0 : flow + 1;
                for (var i = 0; i < due && arguments.PayloadLength >= 8; i++)
                {
                    BinaryPrimitives.WriteInt64BigEndian(batch.Frame(i), sequence + i);
                }

                sequence += due;
                var accepted = batch.Send(descriptor, due, out _);
                sent += accepted;
                errors += due - accepted;
            }

            return new BlastResult(sent, errors, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            foreach (var batch in batches)
            {
                batch.Dispose();
            }
        }
    }
}
