using System.Runtime.InteropServices;

namespace LvsLab.Decap;

/// <summary>
/// The I/O around <see cref="Decapsulator"/>: raw sockets in (IPv4 and, unless the node has it
/// disabled, IPv6), TUN device out, stats file, log lines, signals.
/// </summary>
internal static class DecapRunner
{
    /// <summary>Large enough for any IPv4 packet and any IPv6 payload (jumbograms aside).</summary>
    private const int BufferSize = 65536;

    /// <summary>
    /// The most packets taken from one socket before the others get their turn; a socket is read
    /// until it has nothing waiting (EAGAIN) or this many, so a burst costs one poll, not one each.
    /// </summary>
    private const int ReceiveBudget = 64;

    /// <summary>Runs until SIGTERM or SIGINT.</summary>
    /// <param name="arguments">The command line.</param>
    /// <param name="output">Where the start, readiness and first-drop lines go.</param>
    /// <param name="error">Where errors go.</param>
    /// <returns>0 after a clean stop, 1 when it cannot start.</returns>
    public static int Run(DecapArguments arguments, TextWriter output, TextWriter error)
    {
        var decap = new Decapsulator();
        TunDevice? tun = null;
        TunnelSocketSet? sockets = null;
        StatsPublisher? stats = null;
        try
        {
            tun = TunDevice.Create(arguments.TunName);
            tun.BringUp();
            sockets = TunnelSocketSet.Open();
            output.WriteLine($"lvs-decap: {tun.Name} up, listening for {sockets.DescribeListening()}");
            stats = new StatsPublisher(decap, arguments.StatsPath, tun.Name, error.WriteLine);
        }
        catch (Exception e) when (e is DecapStartException or IOException or UnauthorizedAccessException)
        {
            var what = e is DecapStartException ? e.Message : $"cannot write stats to {arguments.StatsPath}: {e.Message}";
            error.WriteLine($"lvs-decap: {what}");
            sockets?.Dispose();
            tun?.Dispose();
            return 1;
        }

        var stopping = 0;
        void Stop(PosixSignalContext context)
        {
            // Handle the signal ourselves (no default termination): stop the loop and wake its
            // poll by shutting the sockets down (they are closed by the loop's owner, below).
            context.Cancel = true;
            if (Interlocked.Exchange(ref stopping, 1) == 0)
            {
                sockets.Shutdown();
            }
        }

        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop))
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop))
        {
            output.WriteLine("lvs-decap: ready");
            try
            {
                ReceiveLoop(decap, sockets, tun, output, error, () => Volatile.Read(ref stopping) != 0);
            }
            finally
            {
                stats.Dispose();
                sockets.Dispose();
                tun.Dispose();
            }
        }

        output.WriteLine($"lvs-decap: stopped; received {decap.Received}, delivered {decap.Delivered}, dropped {decap.TotalDropped}");
        return 0;
    }

    private static void ReceiveLoop(
        Decapsulator decap, TunnelSocketSet sockets, TunDevice tun, TextWriter output, TextWriter error, Func<bool> stopping)
    {
        // One pinned buffer for the life of the loop: no allocation per packet.
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
        var errorLogged = false;
        void LogErrorOnce(string what, int errno)
        {
            if (errno != LibC.EIntr && !errorLogged)
            {
                error.WriteLine($"lvs-decap: {what} failed: {LibC.Describe(errno)} (further receive errors are not logged)");
                errorLogged = true;
            }
        }

        while (!stopping())
        {
            if (!sockets.TryWait(out var waitErrno))
            {
                LogErrorOnce("poll", waitErrno);
                continue;
            }

            for (var i = 0; i < sockets.Count && !stopping(); i++)
            {
                if (!sockets.IsReadable(i))
                {
                    continue;
                }

                var socket = sockets[i];
                for (var n = 0; n < ReceiveBudget; n++)
                {
                    if (!socket.TryReceive(buffer, out var length, out var receiveErrno))
                    {
                        if (receiveErrno != LibC.EAgain)
                        {
                            LogErrorOnce("receive", receiveErrno);
                        }

                        break;
                    }

                    // After the shutdown a receive returns 0, which is also what an empty IPv6
                    // payload gives: the flag (set before the shutdown) tells them apart.
                    if (stopping())
                    {
                        return;
                    }

                    Handle(decap, socket.Kind, buffer.AsSpan(0, length), tun, output);
                }
            }
        }
    }

    private static void Handle(Decapsulator decap, TunnelKind kind, Span<byte> packet, TunDevice tun, TextWriter output)
    {
        var result = decap.Process(kind, packet, out var innerOffset, out var innerLength);
        var errno = 0;
        if (result == DecapResult.Deliver)
        {
            // With IFF_NO_PI the TUN device takes the protocol from the first nibble (tun_get_user:
            // version 4 is ETH_P_IP, 6 is ETH_P_IPV6, anything else -EINVAL), so IPv4 and IPv6
            // inner packets go to the same device unchanged.
            var written = tun.TryWrite(packet.Slice(innerOffset, innerLength), out errno);
            decap.RecordWrite(written);
            if (written)
            {
                return;
            }

            result = DecapResult.WriteFailed;
        }

        if (decap.GetDropped(result) == 1)
        {
            var detail = result == DecapResult.WriteFailed
                ? errno == 0 ? ": short write" : $": {LibC.Describe(errno)}"
                : string.Empty;
            output.WriteLine($"lvs-decap: first drop {result}: {Decapsulator.Describe(result)}{detail}");
        }
    }
}
