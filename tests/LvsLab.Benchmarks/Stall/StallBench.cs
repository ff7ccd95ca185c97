using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using LvsLab.PacketIo;

namespace LvsLab.Benchmarks.Stall;

/// <summary>
/// The forwarding stall bench (issue 14, item 2): the real lvs-director on a private veth link,
/// its connection table filled with a million UDP connections, then a steady stream of one flow
/// while the control socket flaps a real server's weight and lists the whole table
/// (<c>ipvsadm -Lnc</c>). The figure is the longest gap between two forwarded frames of the
/// stream, from the kernel's receive timestamps on the far end of the link, against the gap the
/// sender kept. Root only (it makes a network namespace); prints figures, asserts nothing.
/// To attribute the stalls, each frame's delay (sent → forwarded, on the kernel's real-time clock)
/// is set against what happened meanwhile: a frame held over 1 ms is counted against a listing
/// running when it was sent, a weight flap answered within 1 ms of it, or neither; the
/// director's garbage collections and their pause time over the stream are read from its
/// counters. <c>--no-flaps</c> and <c>--no-listings</c> leave either load out.
/// </summary>
internal static partial class StallBench
{
    private const int ModeIdle = 0;
    private const int ModeFill = 1;
    private const int ModeSteady = 2;
    private const int ModeStop = 3;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Runs the bench with <c>--stall [--connections N] [--seconds S] [--rate PPS] [--director DLL] [--no-flaps] [--no-listings]</c>.</summary>
    public static int Run(string[] args)
    {
        int connections = IntOption(args, "--connections", 1_000_000);
        double seconds = IntOption(args, "--seconds", 20);
        int rate = IntOption(args, "--rate", 10_000);
        string director = StringOption(args, "--director") ?? FindDirector();
        bool flapping = Array.IndexOf(args, "--no-flaps") < 0;
        bool listing = Array.IndexOf(args, "--no-listings") < 0;
        string control = Path.Combine(Path.GetTempPath(), $"lvslab-stall-{Environment.ProcessId}.sock");
        string rules = Path.Combine(Path.GetTempPath(), $"lvslab-stall-{Environment.ProcessId}.ipvs");
        File.WriteAllText(rules, StallPlan.Rules);
        Console.WriteLine($"stall bench: director {director}, {connections:N0} connections, steady {rate:N0}/s for {seconds} s");

        using var network = StallNetwork.Create();
        using var socket = PacketSocket.Open(StallNetwork.LanEnd, new PacketSocketOptions { FrameCount = 16384 });
        var io = new StallIo(socket, rate, (int)(seconds * rate));
        var ioThread = new Thread(io.Run) { IsBackground = true, Name = "stall io" };
        ioThread.Start();

        using var process = StartDirector(director, rules, control);
        try
        {
            WaitForReady(process);
            var fill = Stopwatch.StartNew();
            io.Mode = ModeFill;
            while (Volatile.Read(ref io.FillForwarded) < connections)
            {
                if (fill.Elapsed > TimeSpan.FromMinutes(3))
                {
                    throw new InvalidOperationException($"the fill forwarded only {io.FillForwarded:N0} of {connections:N0} in 3 minutes");
                }

                Thread.Sleep(100);
            }

            io.Mode = ModeIdle;
            var stats = JsonDocument.Parse(ControlSocket.Ask(control, "stats-json")).RootElement;
            long table = stats.GetProperty("connections").GetInt64();
            Console.WriteLine($"fill: {io.FillSent:N0} sent, {io.FillForwarded:N0} forwarded in {fill.Elapsed.TotalSeconds:F1} s; the table holds {table:N0} connections");
            Console.WriteLine($"during the stream: weight flaps every 100 ms {(flapping ? "on" : "off")}, a full listing every 3 s {(listing ? "on" : "off")}");

            // The steady stream, with weight flaps every 100 ms and a full listing every 3 s.
            var flapTimes = new List<double>();
            var listTimes = new List<(double Milliseconds, int Lines)>();
            var events = new StallEvents();
            var gcBefore = stats.GetProperty("gc").Clone();
            io.ClockOffsetNanoseconds = StallEvents.Now() - (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));
            io.Mode = ModeSteady;
            var steady = Stopwatch.StartNew();
            var nextList = TimeSpan.FromSeconds(1);
            int weight = 1;
            while (Volatile.Read(ref io.Mode) == ModeSteady)
            {
                if (flapping)
                {
                    weight = 3 - weight;
                    var t = Stopwatch.GetTimestamp();
                    long from = StallEvents.Now();
                    var answer = ControlSocket.Ask(control, $"ipvsadm -e -u {StallPlan.Vip}:{StallPlan.Port} -r {StallPlan.RealServers[0]}:{StallPlan.Port} -g -w {weight}");
                    events.Flaps.Add((from, StallEvents.Now()));
                    flapTimes.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    if (!answer.StartsWith("ok", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"weight flap refused: {answer.Trim()}");
                    }
                }

                if (listing && steady.Elapsed >= nextList)
                {
                    nextList += TimeSpan.FromSeconds(3);
                    var t = Stopwatch.GetTimestamp();
                    long from = StallEvents.Now();
                    var lines = ControlSocket.CountLines(control, "ipvsadm -L -n -c");
                    events.Listings.Add((from, StallEvents.Now()));
                    listTimes.Add((Stopwatch.GetElapsedTime(t).TotalMilliseconds, lines));
                }

                Thread.Sleep(100);
            }

            stats = JsonDocument.Parse(ControlSocket.Ask(control, "stats-json")).RootElement;
            Report(io, rate, table, flapTimes, listTimes, stats.GetProperty("io").GetProperty("receiveQueueDrops").GetInt64());
            events.Report(io.Delays(), gcBefore, stats.GetProperty("gc"));
            return 0;
        }
        finally
        {
            io.Mode = ModeStop;
            ioThread.Join(TimeSpan.FromSeconds(2));
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }

            File.Delete(rules);
            File.Delete(control);
        }
    }

    private static void Report(StallIo io, int rate, long table, List<double> flaps, List<(double Milliseconds, int Lines)> listings, long ringDrops)
    {
        var received = io.ReceivedAt.AsSpan(0, io.Received);
        var gaps = new double[Math.Max(0, received.Length - 1)];
        for (int i = 1; i < received.Length; i++)
        {
            gaps[i - 1] = (received[i] - received[i - 1]) / 1000.0;
        }

        var sent = io.SentAt.AsSpan(0, io.Sent);
        double senderMax = 0;
        for (int i = 1; i < sent.Length; i++)
        {
            senderMax = Math.Max(senderMax, (sent[i] - sent[i - 1]) * 1e6 / Stopwatch.Frequency);
        }

        Array.Sort(gaps);
        double Percentile(double p) => gaps.Length == 0 ? 0 : gaps[Math.Min(gaps.Length - 1, (int)(p * gaps.Length))];
        Console.WriteLine(string.Create(Invariant, $"steady: {io.Sent:N0} sent at {rate:N0}/s (nominal gap {1e6 / rate:F0} µs), {io.Received:N0} forwarded, {io.Sent - io.Received:N0} lost, receive-queue drops at the director {ringDrops:N0}"));
        Console.WriteLine(string.Create(Invariant, $"forwarding gap (µs): p50 {Percentile(0.5):F0}, p99 {Percentile(0.99):F0}, p99.9 {Percentile(0.999):F0}, longest {(gaps.Length == 0 ? 0 : gaps[^1]):F0}; gaps over 1 ms: {gaps.Count(g => g > 1000)}"));
        Console.WriteLine(string.Create(Invariant, $"sender's own longest gap: {senderMax:F0} µs"));
        Console.WriteLine(string.Create(Invariant, $"weight flaps: {flaps.Count} (answered in mean {(flaps.Count == 0 ? 0 : flaps.Average()):F1} ms, longest {(flaps.Count == 0 ? 0 : flaps.Max()):F1} ms)"));
        Console.WriteLine(string.Create(Invariant, $"listings (ipvsadm -Lnc): {listings.Count} of {(listings.Count == 0 ? 0 : listings.Max(l => l.Lines)):N0} lines, answered in mean {(listings.Count == 0 ? 0 : listings.Average(l => l.Milliseconds)):F0} ms, longest {(listings.Count == 0 ? 0 : listings.Max(l => l.Milliseconds)):F0} ms; table {table:N0}"));
    }

    private static Process StartDirector(string dll, string rules, string control)
    {
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var word in new[] { "netns", "exec", StallNetwork.Namespace, "dotnet", dll, "run", "--interface", StallNetwork.DirectorEnd, "--rules", rules, "--control", control })
        {
            start.ArgumentList.Add(word);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("cannot start lvs-director");
    }

    private static void WaitForReady(Process process)
    {
        var said = new List<string>();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            said.Add(line);
            if (line == "lvs-director: ready")
            {
                // Keep draining its output so it never blocks on a full pipe.
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                return;
            }
        }

        throw new InvalidOperationException($"lvs-director exited before it was ready: {string.Join(" | ", said)} {process.StandardError.ReadToEnd()}");
    }

    private static string FindDirector()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var configuration in new[] { "Release", "Debug" })
            {
                var dll = Path.Combine(dir.FullName, "src", "LvsLab.Director.Host", "bin", configuration, "net10.0", "lvs-director.dll");
                if (File.Exists(dll))
                {
                    return dll;
                }
            }
        }

        throw new InvalidOperationException("no lvs-director.dll found: build src/LvsLab.Director.Host or pass --director PATH");
    }

    private static int IntOption(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], Invariant) : fallback;
    }

    private static string? StringOption(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>The bench's one I/O thread: answers ARP, sends the fill and the steady stream, records timestamps.</summary>
    private sealed class StallIo(PacketSocket socket, int rate, int steadyCount)
    {
        public int Mode;
        public long ClockOffsetNanoseconds;
        public long FillSent;
        public long FillForwarded;
        public int Sent;
        public int Received;
        public readonly long[] SentAt = new long[steadyCount];
        public readonly long[] ReceivedAt = new long[steadyCount];
        public readonly uint[] ReceivedSequence = new uint[steadyCount];

        /// <summary>Each forwarded frame of the stream: when it was sent (real-time ns) and how long it took to come out (ns).</summary>
        public (long SentNanoseconds, long DelayNanoseconds)[] Delays()
        {
            var delays = new List<(long, long)>(Received);
            double perTick = 1e9 / Stopwatch.Frequency;
            for (int i = 0; i < Received; i++)
            {
                uint sequence = ReceivedSequence[i];
                if (sequence < Sent)
                {
                    long sent = ClockOffsetNanoseconds + (long)(SentAt[sequence] * perTick);
                    delays.Add((sent, ReceivedAt[i] - sent));
                }
            }

            return [.. delays];
        }

        public void Run()
        {
            Span<byte> frame = stackalloc byte[64];
            Span<byte> reply = stackalloc byte[64];
            _ = Prctl(PrSetTimerSlack, 1, 0, 0, 0);
            var fillIndex = 0;
            long nextSend = 0;
            long interval = Stopwatch.Frequency / rate;
            while (Volatile.Read(ref Mode) != ModeStop)
            {
                Drain(reply);
                switch (Volatile.Read(ref Mode))
                {
                    case ModeFill:
                        // Keep at most 2,000 datagrams in flight so the director's ring never overflows.
                        for (int n = 0; n < 64 && FillSent - Volatile.Read(ref FillForwarded) < 2000; n++)
                        {
                            var (client, port) = StallPlan.FillClient(fillIndex++);
                            StallFrames.WriteUdp(frame, client, port, 0);
                            _ = socket.Send(frame[..StallFrames.UdpLength]);
                            FillSent++;
                        }

                        Nap(50_000);
                        break;
                    case ModeSteady when Sent < SentAt.Length:
                        if (nextSend == 0)
                        {
                            nextSend = Stopwatch.GetTimestamp();
                        }

                        SleepUntil(nextSend);
                        StallFrames.WriteUdp(frame, StallPlan.SteadyClient, 5000, (uint)Sent);
                        SentAt[Sent] = Stopwatch.GetTimestamp();
                        _ = socket.Send(frame[..StallFrames.UdpLength]);
                        Sent++;
                        nextSend += interval;
                        break;
                    case ModeSteady:
                        // All sent: let the last ones arrive, then the control thread ends the run.
                        Nap(20_000_000);
                        Drain(reply);
                        Volatile.Write(ref Mode, ModeIdle);
                        break;
                    default:
                        Nap(200_000);
                        break;
                }
            }
        }

        private void Drain(Span<byte> reply)
        {
            while (socket.TryPeek(out var frame))
            {
                var data = frame.Data;
                var length = StallFrames.AnswerArp(data, reply);
                if (length > 0)
                {
                    _ = socket.Send(reply[..length]);
                }
                else if (StallFrames.IsForwarded(data, out var client))
                {
                    if (client == StallPlan.SteadyClient)
                    {
                        if (Received < ReceivedAt.Length)
                        {
                            ReceivedSequence[Received] = StallFrames.Sequence(data);
                            ReceivedAt[Received++] = frame.TimestampNanoseconds;
                        }
                    }
                    else
                    {
                        Interlocked.Increment(ref FillForwarded);
                    }
                }

                socket.Release();
            }
        }

        private static void SleepUntil(long timestamp)
        {
            long left = timestamp - Stopwatch.GetTimestamp();
            if (left > 0)
            {
                Nap(left * 1_000_000_000 / Stopwatch.Frequency);
            }
        }

        private static void Nap(long nanoseconds)
        {
            var time = new Timespec { Seconds = nanoseconds / 1_000_000_000, Nanoseconds = nanoseconds % 1_000_000_000 };
            _ = NanoSleep(ref time, IntPtr.Zero);
        }
    }

    private const int PrSetTimerSlack = 29;

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(ref Timespec request, IntPtr remaining);

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int Prctl(int option, ulong a2, ulong a3, ulong a4, ulong a5);
}
