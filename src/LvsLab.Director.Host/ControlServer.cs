using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LvsLab.Director.Host;

/// <summary>
/// A local control socket (a Unix socket: never reachable from the network). One command per
/// connection, one answer: <c>stats</c>, <c>stats-json</c>, <c>list</c>, <c>connections</c>,
/// <c>edit</c>, or <c>ipvsadm ARGS</c> (ipvsadm's commands and listings).
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private static readonly TimeSpan ReceiveTimeout = TimeSpan.FromSeconds(5);
    private readonly Socket listener;
    private readonly string path;
    private readonly LiveDirector director;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private ControlServer(Socket listener, string path, LiveDirector director)
    {
        this.listener = listener;
        this.path = path;
        this.director = director;
        loop = Task.Run(AcceptLoopAsync);
    }

    public static ControlServer Start(string path, LiveDirector director)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }

        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(8);
        return new ControlServer(listener, path, director);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Dispose();
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }

        File.Delete(path);
        stop.Dispose();
    }

    /// <summary><c>edit tcp|udp VIP:PORT RIP[:PORT] WEIGHT</c>: sets a real server's weight (0 drains it).</summary>
    private static string Edit(LiveDirector director, string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 5 || words[1] is not ("tcp" or "udp")
            || !int.TryParse(words[4], NumberStyles.None, CultureInfo.InvariantCulture, out var weight) || weight > 65535)
        {
            return $"error: expected 'edit tcp|udp VIP:PORT RIP[:PORT] WEIGHT', got '{command}'\n";
        }

        return director.SetConfiguredWeight(words[1], words[2], words[3], weight);
    }

    /// <summary>An ipvsadm command line against the running director.</summary>
    private static string Ipvsadm(LiveDirector director, string arguments)
    {
        var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var first = words.Length > 0 ? words[0] : string.Empty;
        bool Has(params string[] names) => words.Any(w => names.Contains(w, StringComparer.Ordinal));
        switch (first)
        {
            case "-A" or "--add-service" or "-E" or "--edit-service" or "-D" or "--delete-service"
                or "-a" or "--add-server" or "-e" or "--edit-server" or "-d" or "--delete-server" or "-C" or "--clear":
                return director.Execute(arguments);
            case "-L" or "-l" or "--list":
                if (Has("--timeout"))
                {
                    return director.Read(e => $"Timeout (tcp tcpfin udp): {StatsText.Timeouts(e)}\n");
                }

                if (Has("--rate"))
                {
                    return director.Read(e => StatsText.Rates(e, director.Rates));
                }

                return Has("--stats")
                    ? director.Read(e => StatsText.Table(e, director.IoCounters, director))
                    : director.Read(StatsText.List);
            case "-S" or "--save":
                return director.ConfiguredRules;
            case "--set":
                if (words.Length != 4 || !words.Skip(1).All(w => long.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= 31 * 86400))
                {
                    return $"error: command:1: --set needs three timeouts in seconds, TCP TCPFIN UDP (0 keeps one), got '{arguments}'\n";
                }

                return director.SetTimeouts(
                    long.Parse(words[1], CultureInfo.InvariantCulture),
                    long.Parse(words[2], CultureInfo.InvariantCulture),
                    long.Parse(words[3], CultureInfo.InvariantCulture));
            default:
                return $"error: command:1: ipvsadm '{first}' is not supported here (supported: -A -E -D -a -e -d -C, -L [-n] [--stats|--rate|--timeout|-c], -S, --set)\n";
        }
    }

    /// <summary><c>connections</c>, or an ipvsadm listing with <c>-c</c>.</summary>
    private static bool IsConnectionListing(string command)
    {
        if (command == "connections")
        {
            return true;
        }

        if (!command.StartsWith("ipvsadm ", StringComparison.Ordinal))
        {
            return false;
        }

        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 1 && words[1] is "-L" or "-l" or "--list" && !words.Contains("--timeout") && words.Any(w => w is "-c" or "--connection");
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            using (client)
            {
                try
                {
                    await ServeAsync(client);
                }
                catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
                {
                    // The client went away before its answer: the next one is served all the same.
                }
            }
        }
    }

    // Reads one command (the client closes its side once sent) and answers it.
    private async Task ServeAsync(Socket client)
    {
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        int read;

        // A client that never finishes its command must not hold the socket up for the next ones.
        using var patience = new CancellationTokenSource(ReceiveTimeout);
        try
        {
            while (received.Length <= 65536 && (read = await client.ReceiveAsync(buffer, SocketFlags.None, patience.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes($"error: no whole command within {ReceiveTimeout.TotalSeconds:F0} s (send it, then close your side)\n"), SocketFlags.None);
            return;
        }

        var command = Encoding.UTF8.GetString(received.ToArray()).Trim();
        if (command.StartsWith("ipvsadm-batch\n", StringComparison.Ordinal))
        {
            // A file of ipvsadm commands, applied all at once or not at all.
            await client.SendAsync(Encoding.UTF8.GetBytes(director.Execute(command["ipvsadm-batch\n".Length..])), SocketFlags.None);
            return;
        }

        if (IsConnectionListing(command))
        {
            // Streamed as it is written: a table of a million lines is never one string.
            await using var stream = new NetworkStream(client, ownsSocket: false);
            ConnectionListing.Write(director, stream);
            return;
        }

        var answer = command switch
        {
            "stats" => director.Read(e => StatsText.Table(e, director.IoCounters, director)),
            "stats-json" => StatsText.Json(director.Engine, director.IoCounters, director),
            "list" => director.Read(StatsText.List),
            _ when command.StartsWith("edit ", StringComparison.Ordinal) => Edit(director, command),
            _ when command.StartsWith("ipvsadm ", StringComparison.Ordinal) => Ipvsadm(director, command["ipvsadm ".Length..]),
            _ => $"error: unknown command '{command}' (known: stats, stats-json, list, connections, edit, ipvsadm)\n",
        };
        await client.SendAsync(Encoding.UTF8.GetBytes(answer), SocketFlags.None);
    }
}
