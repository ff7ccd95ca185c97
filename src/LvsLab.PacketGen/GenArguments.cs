using System.Globalization;
using System.Net;

namespace LvsLab.PacketGen;

/// <summary>The command line of <c>lvs-pktgen</c>.</summary>
internal sealed record GenArguments
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: lvs-pktgen udp --to ADDR:PORT --rate PPS [--seconds S] [--size BYTES] [--flows N] [--first-port P] [--batch N]
               lvs-pktgen syn --to ADDR:PORT --rate PPS --sources CIDR [--seconds S] [--batch N] [--seed N]
        udp: paced UDP datagrams
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
        syn: a SYN flood, paced TCP SYNs from forged source addresses (a raw socket: root or CAP_NET_RAW)
          --to ADDR:PORT   where the SYNs go: a private IPv4 address (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)
          --rate PPS       SYNs per second to offer at most (1 to 10000000; above what the machine can send,
                           it sends as fast as it can)
          --sources CIDR   required: the forged source addresses, drawn uniformly from ADDR/PREFIX (prefix 8 to 30;
                           never its network or broadcast address); it must lie in a private range and inside
                           the subnet of one of this machine's interfaces (loopback aside), or nothing is sent
          --seconds S      how long (default 2; 0.1 to 3600): the flood stops then, however many it sent
          --batch N        SYNs per sendmmsg call at most (default 32; 1 to 1024)
          --seed N         seeds the draws of source addresses, source ports (1024 to 65535), sequence
                           numbers and IP identifications: the same seed sends the same SYNs (default 1)
          --size, --flows and --first-port are udp's: syn refuses them.
        Sends paced SYNs with sendmmsg and prints one line:
          sent=N seconds=T rate=R offered=PPS errors=E sources=CIDR
        """;

    /// <summary>What to send.</summary>
    public GenCommand Command { get; init; }

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

    /// <summary>The forged source addresses of the SYN mode (required there).</summary>
    public SourceRange? Sources { get; init; }

    /// <summary>The seed of the SYN mode's draws.</summary>
    public int Seed { get; init; } = 1;

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

        var command = args[0] switch
        {
            "udp" => GenCommand.Udp,
            "syn" => GenCommand.Syn,
            _ => throw new ArgumentException($"unknown command '{args[0]}' (known: udp, syn)"),
        };
        var result = new GenArguments { Command = command };
        for (var i = 1; i < args.Count; i++)
        {
            var option = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"option '{option}' needs a value");
            result = (option, command) switch
            {
                ("--to", _) => result with { To = Endpoint(Value()) },
                ("--rate", _) => result with { Rate = Whole(option, Value(), 1, 10_000_000) },
                ("--seconds", _) => result with { Seconds = Duration(Value()) },
                ("--batch", _) => result with { Batch = (int)Whole(option, Value(), 1, 1024) },
                ("--size", GenCommand.Udp) => result with { FrameSize = (int)Whole(option, Value(), 60, 1514) },
                ("--flows", GenCommand.Udp) => result with { Flows = (int)Whole(option, Value(), 1, 1024) },
                ("--first-port", GenCommand.Udp) => result with { FirstPort = (int)Whole(option, Value(), 1, 65535) },
                ("--sources", GenCommand.Syn) => result with { Sources = PrivateSources(Value()) },
                ("--seed", GenCommand.Syn) => result with { Seed = (int)Whole(option, Value(), 0, int.MaxValue) },
                ("--size" or "--flows" or "--first-port", GenCommand.Syn) => throw new ArgumentException($"option '{option}' is for udp only (syn draws its source ports)"),
                ("--sources" or "--seed", GenCommand.Udp) => throw new ArgumentException($"option '{option}' is for syn only"),
                _ => throw new ArgumentException($"unknown option '{option}'"),
            };
        }

        if (result.To is null)
        {
            throw new ArgumentException("--to ADDR:PORT is required");
        }

        if (result.Rate == 0)
        {
            throw new ArgumentException("--rate PPS is required");
        }

        if (command == GenCommand.Syn)
        {
            if (result.Sources is null)
            {
                throw new ArgumentException("--sources CIDR is required for syn (the forged source addresses, e.g. 10.77.1.0/24)");
            }

            LabBoundary.RequirePrivateTarget(result.To);
        }

        return result.FirstPort > 0 && result.FirstPort + result.Flows - 1 > 65535
            ? throw new ArgumentException($"--first-port {result.FirstPort} with --flows {result.Flows}: the last port would pass 65535")
            : result;
    }

    private static long Whole(string option, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{option} '{value}': a whole number from {min} to {max}");

    private static double Duration(string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var s) && s is >= 0.1 and <= 3600
            ? s
            : throw new ArgumentException($"--seconds '{value}': 0.1 to 3600");

    private static SourceRange PrivateSources(string value)
    {
        var sources = SourceRange.Parse("--sources", value);
        LabBoundary.RequirePrivateSources(sources);
        return sources;
    }

    private static IPEndPoint Endpoint(string value) =>
        IPEndPoint.TryParse(value, out var endpoint) && endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && endpoint.Port != 0
            ? endpoint
            : throw new ArgumentException($"--to '{value}': an IPv4 ADDR:PORT with a port");
}
