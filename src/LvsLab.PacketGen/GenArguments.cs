using System.Globalization;
using System.Net;

namespace LvsLab.PacketGen;

/// <summary>The command line of <c>lvs-pktgen</c>.</summary>
internal sealed record GenArguments
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: lvs-pktgen udp --to ADDR:PORT --rate PPS [--seconds S] [--size BYTES] [--flows N] [--first-port P] [--batch N]
          --to ADDR:PORT  where the datagrams go (an IPv4 address)
          --rate PPS      datagrams per second to offer (1 to 10000000)
          --seconds S     how long (default 2; 0.1 to 3600)
          --size BYTES    Ethernet frame size without FCS (default 64: 22 bytes of UDP payload; 60 to 1514)
          --flows N       source ports (one UDP socket each), taken in turn (default 16; 1 to 1024)
          --first-port P  the flows' source ports are P, P+1, ... (default: ports the system picks);
                          two runs with the same P are the same flows to a forwarder
          --batch N       datagrams per sendmmsg call at most (default 32; 1 to 1024)
        Sends paced datagrams with sendmmsg and prints one line:
          sent=N seconds=T rate=R offered=PPS errors=E
        """;

    /// <summary>Where the datagrams go.</summary>
    public IPEndPoint? To { get; init; }

    /// <summary>Datagrams per second.</summary>
    public long Rate { get; init; }

    /// <summary>How long to send.</summary>
    public double Seconds { get; init; } = 2;

    /// <summary>Ethernet frame size without FCS.</summary>
    public int FrameSize { get; init; } = 64;

    /// <summary>UDP sockets (source ports) used in turn.</summary>
    public int Flows { get; init; } = 16;

    /// <summary>The first flow's source port (the others follow it); 0: ports the system picks.</summary>
    public int FirstPort { get; init; }

    /// <summary>Datagrams per sendmmsg call at most.</summary>
    public int Batch { get; init; } = 32;

    /// <summary>The UDP payload length for <see cref="FrameSize"/> (Ethernet 14 + IPv4 20 + UDP 8 bytes of headers).</summary>
    public int PayloadLength => FrameSize - 42;

    /// <summary>Help was asked for.</summary>
    public bool Help { get; init; }

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> naming the bad one.</summary>
    public static GenArguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            return new GenArguments { Help = true };
        }

        if (args[0] != "udp")
        {
            throw new ArgumentException($"unknown command '{args[0]}' (known: udp)");
        }

        var result = new GenArguments();
        for (var i = 1; i < args.Count; i++)
        {
            var option = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{option}' needs a value");
            result = option switch
            {
                "--to" => result with { To = Endpoint(Value()) },
                "--rate" => result with { Rate = Whole(option, Value(), 1, 10_000_000) },
                "--seconds" => result with { Seconds = double.TryParse(args[++i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) && s is >= 0.1 and <= 3600 ? s : throw new ArgumentException($"--seconds '{args[i]}': 0.1 to 3600") },
                "--size" => result with { FrameSize = (int)Whole(option, Value(), 60, 1514) },
                "--flows" => result with { Flows = (int)Whole(option, Value(), 1, 1024) },
                "--first-port" => result with { FirstPort = (int)Whole(option, Value(), 1, 65535) },
                "--batch" => result with { Batch = (int)Whole(option, Value(), 1, 1024) },
                _ => throw new ArgumentException($"unknown option '{option}'"),
            };
        }

        return result.To is null ? throw new ArgumentException("--to ADDR:PORT is required")
            : result.Rate == 0 ? throw new ArgumentException("--rate PPS is required")
            : result.FirstPort > 0 && result.FirstPort + result.Flows - 1 > 65535 ? throw new ArgumentException($"--first-port {result.FirstPort} with --flows {result.Flows}: the last port would pass 65535")
            : result;
    }

    private static long Whole(string option, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{option} '{value}': a whole number from {min} to {max}");

    private static IPEndPoint Endpoint(string value) =>
        IPEndPoint.TryParse(value, out var endpoint) && endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && endpoint.Port != 0
            ? endpoint
            : throw new ArgumentException($"--to '{value}': an IPv4 ADDR:PORT with a port");
}
