using LvsLab.Director.Rules;
using LvsLab.Director.Stats;

namespace LvsLab.Director.Host;

/// <summary>
/// One <see cref="RateEstimator"/> per service and per real server, keyed by what they are (so
/// they survive rules changing under them), fed from the engine's counters every 2 s.
/// </summary>
internal sealed class RateTracker
{
    private readonly Dictionary<string, RateEstimator> estimators = new(StringComparer.Ordinal);
    private RuleSet? sampledRules;
    private RateEstimator[][] byService = [];
    private RateEstimator[] services = [];

    /// <summary>
    /// Samples every service and real server; call under the engine's lock. Allocates only when
    /// the rules changed since the last sample (the estimators are looked up once per rules).
    /// </summary>
    public void Sample(DirectorEngine engine, long nowMilliseconds)
    {
        if (!ReferenceEquals(engine.Rules, sampledRules))
        {
            Bind(engine.Rules);
        }

        var counters = engine.Counters;
        for (var s = 0; s < services.Length; s++)
        {
            services[s].Sample(
                new TrafficTotals(counters.GetServiceConnectionCount(s), counters.GetServiceTraffic(s).Packets, counters.GetServiceReplyTraffic(s).Packets, counters.GetServiceTraffic(s).Bytes, counters.GetServiceReplyTraffic(s).Bytes),
                nowMilliseconds);
            for (var r = 0; r < byService[s].Length; r++)
            {
                var inbound = counters.GetRealServerTraffic(s, r);
                var outbound = counters.GetRealServerReplyTraffic(s, r);
                byService[s][r].Sample(
                    new TrafficTotals(counters.GetRealServerConnectionCount(s, r), inbound.Packets, outbound.Packets, inbound.Bytes, outbound.Bytes),
                    nowMilliseconds);
            }
        }
    }

    /// <summary>The rates of a service (zero before two samples).</summary>
    public TrafficRates Of(VirtualService service) => estimators.TryGetValue(Key(service), out var e) ? e.Rates : default;

    /// <summary>The rates of a real server of a service.</summary>
    public TrafficRates Of(VirtualService service, RealServer server) =>
        estimators.TryGetValue(Key(service, server), out var e) ? e.Rates : default;

    // Finds (or makes) the estimators of the rules' services and real servers, by what they
    // are, and forgets the ones no longer in the rules.
    private void Bind(RuleSet rules)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        services = new RateEstimator[rules.Services.Count];
        byService = new RateEstimator[rules.Services.Count][];
        for (var s = 0; s < rules.Services.Count; s++)
        {
            var service = rules.Services[s];
            var key = Key(service);
            seen.Add(key);
            services[s] = Estimator(key);
            byService[s] = new RateEstimator[service.RealServers.Count];
            for (var r = 0; r < service.RealServers.Count; r++)
            {
                var serverKey = Key(service, service.RealServers[r]);
                seen.Add(serverKey);
                byService[s][r] = Estimator(serverKey);
            }
        }

        foreach (var gone in estimators.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            estimators.Remove(gone);
        }

        sampledRules = rules;
    }

    private static string Key(VirtualService service) => service.ToString();

    private static string Key(VirtualService service, RealServer server) => $"{service} -r {server.Address.ToString(server.Port)}";

    private RateEstimator Estimator(string key)
    {
        if (!estimators.TryGetValue(key, out var estimator))
        {
            estimator = new RateEstimator();
            estimators[key] = estimator;
        }

        return estimator;
    }
}
