using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsLab.Director.Control;
using LvsLab.Packets;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LvsLab.Director.Host;

/// <summary>
/// Checks every real server (once per distinct address:port of the rules as configured now) and
/// takes out the ones that fail — weight 0 or removed (<see cref="HealthSettings.OnFailure"/>)
/// after <see cref="HealthSettings.Fall"/> failures in a row, back after
/// <see cref="HealthSettings.Rise"/> successes. Probes go through the director's own kernel
/// (a real TCP connection or HTTP GET), each bounded by a Polly timeout and retried by Polly.
/// </summary>
internal sealed class HealthChecker : IAsyncDisposable
{
    private readonly LiveDirector director;
    private readonly HealthSettings settings;
    private readonly TextWriter log;
    private readonly ResiliencePipeline pipeline;
    private readonly CancellationTokenSource stop = new();
    private readonly List<Task> loops = [];

    private HealthChecker(LiveDirector director, HealthSettings settings, TextWriter log)
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
    public static HealthChecker? Start(LiveDirector director, HealthSettings settings, TextWriter log)
    {
        if (settings.Kind == "none")
        {
            return null;
        }

        director.HealthKind = settings.Kind;
        var checker = new HealthChecker(director, settings, log);
        checker.loops.Add(Task.Run(checker.CheckLoopAsync));
        var sorry = settings.SorryServer is { } s ? $", sorry server {s}" : string.Empty;
        log.WriteLine($"lvs-director: health checks ({settings.Kind}) every {settings.Interval.TotalMilliseconds:F0} ms, timeout {settings.Timeout.TotalMilliseconds:F0} ms, retries {settings.Retries}, fall {settings.Fall}, rise {settings.Rise}, on failure {settings.OnFailure.ToString().ToLowerInvariant()}{sorry}, on {director.HealthTargets.Count} real server(s)");
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

    // Every interval, probes the endpoints the configured rules hold now (they change with
    // ipvsadm commands), all at once; each endpoint keeps its own up/down state and streak.
    private async Task CheckLoopAsync()
    {
        var states = new Dictionary<RealServerEndpoint, (bool Up, int Streak)>();
        using var timer = new PeriodicTimer(settings.Interval);
        do
        {
            var targets = director.HealthTargets;
            foreach (var gone in states.Keys.Where(k => !targets.Contains(k)).ToList())
            {
                // No longer configured: forget it (and its down mark).
                states.Remove(gone);
                director.MarkUp(gone);
            }

            var results = await Task.WhenAll(targets.Select(async target => (Target: target, Failure: await CheckAsync(target))));
            foreach (var (target, failure) in results)
            {
                var (up, streak) = states.GetValueOrDefault(target, (true, 0));

                // Count consecutive results that disagree with the current state.
                streak = (failure is null) == up ? 0 : streak + 1;
                if (up && streak >= settings.Fall)
                {
                    (up, streak) = (false, 0);
                    director.MarkDown(target);
                    log.WriteLine($"lvs-director: health: {target} DOWN ({failure}): {(settings.OnFailure == FailureAction.Inhibit ? "weight 0" : "removed")}");
                }
                else if (!up && streak >= settings.Rise)
                {
                    (up, streak) = (true, 0);
                    director.MarkUp(target);
                    log.WriteLine($"lvs-director: health: {target} UP: {(settings.OnFailure == FailureAction.Inhibit ? "weight restored" : "added back")}");
                }

                states[target] = (up, streak);
            }
        }
        while (await timer.WaitForNextTickAsync(stop.Token));
    }

    // Null when the probe passed, else why it failed.
    private async Task<string?> CheckAsync(RealServerEndpoint target)
    {
        try
        {
            await pipeline.ExecuteAsync(async ct => await ProbeAsync(target.Address, target.Port, ct), stop.Token);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException || e is TimeoutRejectedException)
        {
            return e is TimeoutRejectedException ? $"no answer within {settings.Timeout.TotalMilliseconds:F0} ms" : e.Message;
        }
    }

    private async ValueTask ProbeAsync(IpAddress address, ushort port, CancellationToken cancellationToken)
    {
        var endpoint = new IPEndPoint(IPAddress.Parse(address.ToString()), port);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, cancellationToken);
        if (settings.Kind != "http")
        {
            return;
        }

        var request = Encoding.ASCII.GetBytes($"GET {settings.Path} HTTP/1.0\r\nHost: {(address.IsIpv4 ? address.ToString() : $"[{address}]")}\r\nUser-Agent: lvs-director-health\r\n\r\n");
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
