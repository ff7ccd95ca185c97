using System.Net.Sockets;
using System.Text;

namespace LvsLab.Director.Host;

/// <summary>
/// A local control socket (a Unix socket: never reachable from the network). One command per
/// connection, one answer: <c>stats</c> (ipvsadm-like text) or <c>stats-json</c>.
/// </summary>
internal sealed class ControlServer : IAsyncDisposable
{
    private readonly Socket listener;
    private readonly string path;
    private readonly PcapDirector director;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    private ControlServer(Socket listener, string path, PcapDirector director)
    {
        this.listener = listener;
        this.path = path;
        this.director = director;
        loop = Task.Run(AcceptLoopAsync);
    }

    public static ControlServer Start(string path, PcapDirector director)
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
    private static string Edit(PcapDirector director, string command)
    {
        var engine = director.Engine;
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length != 5 || !int.TryParse(words[4], System.Globalization.CultureInfo.InvariantCulture, out var weight) || weight is < 0 or > 65535)
        {
            return $"error: expected 'edit tcp|udp VIP:PORT RIP[:PORT] WEIGHT', got '{command}'\n";
        }

        for (var s = 0; s < engine.Rules.Services.Count; s++)
        {
            var service = engine.Rules.Services[s];
            var protocol = service.Protocol == Rules.ServiceProtocol.Tcp ? "tcp" : "udp";
            if (protocol != words[1] || $"{service.Address}:{service.Port}" != words[2])
            {
                continue;
            }

            for (var r = 0; r < service.RealServers.Count; r++)
            {
                var real = service.RealServers[r];
                if (words[3] == $"{real.Address}:{real.Port}" || words[3] == real.Address.ToString())
                {
                    director.SetConfiguredWeight(s, r, weight);
                    return $"ok: {words[1]} {words[2]} -> {real.Address}:{real.Port} weight {weight}\n";
                }
            }

            return $"error: service {words[1]} {words[2]} has no real server {words[3]}\n";
        }

        return $"error: no service {words[1]} {words[2]}\n";
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
                var buffer = new byte[256];
                var read = await client.ReceiveAsync(buffer, SocketFlags.None);
                var command = Encoding.ASCII.GetString(buffer, 0, read).Trim();
                var answer = command switch
                {
                    "stats" => director.Read(e => StatsText.Table(e, director.SendErrors)),
                    "stats-json" => StatsText.Json(director.Engine, director.SendErrors),
                    "list" => director.Read(StatsText.List),
                    "connections" => director.Read(e => StatsText.Connections(e, director.NowMilliseconds)),
                    _ when command.StartsWith("edit ", StringComparison.Ordinal) => Edit(director, command),
                    _ => $"error: unknown command '{command}' (known: stats, stats-json, list, connections)\n",
                };
                await client.SendAsync(Encoding.UTF8.GetBytes(answer), SocketFlags.None);
            }
        }
    }
}
