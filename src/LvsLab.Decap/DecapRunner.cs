using System.Runtime.InteropServices;

namespace LvsLab.Decap;

/// <summary>
/// The I/O around <see cref="Decapsulator"/>: raw socket in, TUN device out, stats file, log
/// lines, signals.
/// </summary>
internal static class DecapRunner
{
    /// <summary>Large enough for any IPv4 packet.</summary>
    private const int BufferSize = 65536;

    /// <summary>Runs until SIGTERM or SIGINT.</summary>
    /// <param name="arguments">The command line.</param>
    /// <param name="output">Where the start, readiness and first-drop lines go.</param>
    /// <param name="error">Where errors go.</param>
    /// <returns>0 after a clean stop, 1 when it cannot start.</returns>
    public static int Run(DecapArguments arguments, TextWriter output, TextWriter error)
    {
        var decap = new Decapsulator();
        TunDevice? tun = null;
        RawIpipSocket? socket = null;
        StatsPublisher? stats = null;
        try
        {
            tun = TunDevice.Create(arguments.TunName);
            tun.BringUp();
            socket = new RawIpipSocket();
            output.WriteLine($"lvs-decap: {tun.Name} up, listening for protocol 4");
            stats = new StatsPublisher(decap, arguments.StatsPath, tun.Name, error.WriteLine);
        }
        catch (Exception e) when (e is DecapStartException or IOException or UnauthorizedAccessException)
        {
            var what = e is DecapStartException ? e.Message : $"cannot write stats to {arguments.StatsPath}: {e.Message}";
            error.WriteLine($"lvs-decap: {what}");
            socket?.Dispose();
            tun?.Dispose();
            return 1;
        }

        var stopping = 0;
        void Stop(PosixSignalContext context)
        {
            // Handle the signal ourselves (no default termination): stop the loop and unblock the
            // receive by shutting the socket down (it is closed by the loop's owner, below).
            context.Cancel = true;
            if (Interlocked.Exchange(ref stopping, 1) == 0)
            {
                socket.Shutdown();
            }
        }

        using (PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop))
        using (PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop))
        {
            output.WriteLine("lvs-decap: ready");
            try
            {
                ReceiveLoop(decap, socket, tun, output, error, () => Volatile.Read(ref stopping) != 0);
            }
            finally
            {
                stats.Dispose();
                socket.Dispose();
                tun.Dispose();
            }
        }

        output.WriteLine($"lvs-decap: stopped; received {decap.Received}, delivered {decap.Delivered}, dropped {decap.TotalDropped}");
        return 0;
    }

    private static void ReceiveLoop(
        Decapsulator decap, RawIpipSocket socket, TunDevice tun, TextWriter output, TextWriter error, Func<bool> stopping)
    {
        // One pinned buffer for the life of the loop: no allocation per packet.
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize, pinned: true);
        var receiveErrorLogged = false;
        while (!stopping())
        {
            if (!socket.TryReceive(buffer, out var length, out var receiveErrno))
            {
                if (stopping())
                {
                    break;
                }

                if (receiveErrno != LibC.EIntr && !receiveErrorLogged)
                {
                    error.WriteLine($"lvs-decap: receive failed: {LibC.Describe(receiveErrno)} (further receive errors are not logged)");
                    receiveErrorLogged = true;
                }

                continue;
            }

            if (stopping())
            {
                break;
            }

            var packet = buffer.AsSpan(0, length);
            var result = decap.Process(packet, out var innerOffset, out var innerLength);
            var errno = 0;
            if (result == DecapResult.Deliver)
            {
                var written = tun.TryWrite(packet.Slice(innerOffset, innerLength), out errno);
                decap.RecordWrite(written);
                if (written)
                {
                    continue;
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
}
