using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsLab.Packets;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LvsLab.Director.Host;

/// <summary>
/// Checks every real server (once per distinct address:port) and drains the ones that fail:
/// weight 0 after <see cref="HealthSettings.Fall"/> failures in a row, the configured weight back
/// after <see cref="HealthSettings.Rise"/> successes. Probes go through the director's own kernel
/// (a real TCP connection or HTTP GET), each bounded by a Polly timeout and retried by Polly.
/// </summary>
internal sealed class HealthChecker : IAsyncDisposable
{
    private readonly PcapDirector director;
    private readonly HealthSettings settings;
    private readonly TextWriter log;
    private readonly ResiliencePipeline pipeline;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];

    private HealthChecker(PcapDirector director, HealthSettings settings, TextWriter log)
    {
        this.director = director;
        this.settings = settings;
        this.log = log;
        var builder = new ResiliencePipelineBuilder();
        if (settings.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException || e is TimeoutRejectedException),
                MaxRetryAttempts = settings.Retries,
                Delay = TimeSpan.Zero,
            });
        }

        pipeline = builder.AddTimeout(settings.Timeout).Build();
    }

    /// <summary>Starts checking, unless the settings say none.</summary>
    public static HealthChecker? Start(PcapDirector director, HealthSettings settings, TextWriter log)
    {
        if (settings.Kind == "none")
        {
            return null;
        }

        var checker = new HealthChecker(director, settings, log);
        var targets = director.Engine.Rules.Services
            .SelectMany((service, s) => service.RealServers.Select((real, r) => (Endpoint: (real.Address, real.Port), Slot: (s, r, real.Weight))))
            .GroupBy(t => t.Endpoint)
            .ToList();
        foreach (var target in targets)
        {
            checker.loops.Add(Task.Run(() => checker.CheckLoopAsync(target.Key.Address, target.Key.Port, target.Select(t => t.Slot).ToList())));
        }

        log.WriteLine($"lvs-director: health checks ({settings.Kind}) every {settings.Interval.TotalMilliseconds:F0} ms, timeout {settings.Timeout.TotalMilliseconds:F0} ms, retries {settings.Retries}, fall {settings.Fall}, rise {settings.Rise}, on {targets.Count} real server(s)");
        return checker;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(loops);
        }
        catch (OperationCanceledException)
        {
        }

        stop.Dispose();
    }

    private async Task CheckLoopAsync(Ipv4Address address, ushort port, IReadOnlyList<(int Service, int RealServer, int Weight)> slots)
    {
        var up = true;
        var streak = 0;
        using var timer = new PeriodicTimer(settings.Interval);
        do
        {
            string? failure = null;
            try
            {
                await pipeline.ExecuteAsync(async ct => await ProbeAsync(address, port, ct), stop.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException || e is TimeoutRejectedException)
            {
                failure = e is TimeoutRejectedException ? $"no answer within {settings.Timeout.TotalMilliseconds:F0} ms" : e.Message;
            }

            // Count consecutive results that disagree with the current state.
            streak = (failure is null) == up ? 0 : streak + 1;
            if (up && streak >= settings.Fall)
            {
                up = false;
                streak = 0;
                foreach (var (s, r, _) in slots)
                {
                    director.MarkDown(s, r);
                }

                log.WriteLine($"lvs-director: health: {address}:{port} DOWN ({failure}): weight 0");
            }
            else if (!up && streak >= settings.Rise)
            {
                up = true;
                streak = 0;
                foreach (var (s, r, _) in slots)
                {
                    director.MarkUp(s, r);
                }

                log.WriteLine($"lvs-director: health: {address}:{port} UP: weight restored");
            }
        }
        while (await timer.WaitForNextTickAsync(stop.Token));
    }

    private async ValueTask ProbeAsync(Ipv4Address address, ushort port, CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(address.ToString()), port);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, cancellationToken);
        if (settings.Kind != "http")
        {
            return;
        }

        var request = Encoding.ASCII.GetBytes($"GET {settings.Path} HTTP/1.0\r\nHost: {address}\r\nUser-Agent: lvs-director-health\r\n\r\n");
        await socket.SendAsync(request, SocketFlags.None, cancellationToken);
        var buffer = new byte[64];
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        var statusLine = Encoding.ASCII.GetString(buffer, 0, read);
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || parts[1] != settings.ExpectedStatus.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"HTTP status '{(parts.Length > 1 ? parts[1] : statusLine.Trim())}', expected {settings.ExpectedStatus}");
        }
    }
}
