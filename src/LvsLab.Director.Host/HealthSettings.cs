using System.Globalization;
using LvsLab.Director.Control;
using LvsLab.Packets;

namespace LvsLab.Director.Host;

/// <summary>
/// How real servers are checked, like keepalived's TCP_CHECK / HTTP_GET: a probe every
/// interval with a timeout, retried, and a server goes down after <see cref="Fall"/> failed
/// probes in a row and up again after <see cref="Rise"/> good ones. A down server gets weight 0
/// (keepalived's inhibit_on_failure): its connections go on, new ones go elsewhere.
/// </summary>
internal sealed record HealthSettings
{
    /// <summary>none, tcp (connect) or http (GET, expecting <see cref="ExpectedStatus"/>).</summary>
    public string Kind { get; init; } = "none";

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Extra attempts inside one probe before it counts as failed.</summary>
    public int Retries { get; init; }

    public int Fall { get; init; } = 2;

    public int Rise { get; init; } = 2;

    public string Path { get; init; } = "/";

    public int ExpectedStatus { get; init; } = 200;

    /// <summary>What a failed check does: weight 0 (inhibit, the default here) or removal (keepalived's default).</summary>
    public FailureAction OnFailure { get; init; } = FailureAction.Inhibit;

    /// <summary>keepalived's sorry_server: takes a service's traffic while none of its servers can.</summary>
    public RealServerEndpoint? SorryServer { get; init; }

    /// <summary>The <c>expire_quiescent_template</c> sysctl: persistent clients leave a weight-0 server.</summary>
    public bool ExpireQuiescentTemplate { get; init; }

    /// <summary>Settings from the environment (LVS_HEALTH, LVS_HEALTH_INTERVAL_MS, …), for the director image.</summary>
    public static HealthSettings FromEnvironment()
    {
        static int Int(string name, int fallback)
        {
            var text = Environment.GetEnvironmentVariable(name);
            if (string.IsNullOrEmpty(text))
            {
                return fallback;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 0
                ? value
                : throw new ArgumentException($"{name}='{text}' is not a non-negative whole number");
        }

        var kind = Environment.GetEnvironmentVariable("LVS_HEALTH") ?? "none";
        if (kind is not ("none" or "tcp" or "http"))
        {
            throw new ArgumentException($"LVS_HEALTH='{kind}' is not one of none, tcp, http");
        }

        var settings = new HealthSettings
        {
            Kind = kind,
            Interval = TimeSpan.FromMilliseconds(Int("LVS_HEALTH_INTERVAL_MS", 1000)),
            Timeout = TimeSpan.FromMilliseconds(Int("LVS_HEALTH_TIMEOUT_MS", 1000)),
            Retries = Int("LVS_HEALTH_RETRIES", 0),
            Fall = Int("LVS_HEALTH_FALL", 2),
            Rise = Int("LVS_HEALTH_RISE", 2),
            Path = Environment.GetEnvironmentVariable("LVS_HEALTH_PATH") ?? "/",
            ExpectedStatus = Int("LVS_HEALTH_STATUS", 200),
            OnFailure = (Environment.GetEnvironmentVariable("LVS_HEALTH_ON_FAILURE") ?? "inhibit") switch
            {
                "inhibit" => FailureAction.Inhibit,
                "remove" => FailureAction.Remove,
                var other => throw new ArgumentException($"LVS_HEALTH_ON_FAILURE='{other}' is not one of inhibit, remove"),
            },
            SorryServer = Environment.GetEnvironmentVariable("LVS_SORRY_SERVER") is { Length: > 0 } sorry ? ParseEndpoint("LVS_SORRY_SERVER", sorry) : null,
            ExpireQuiescentTemplate = (Environment.GetEnvironmentVariable("LVS_EXPIRE_QUIESCENT_TEMPLATE") ?? "0") switch
            {
                "0" => false,
                "1" => true,
                var other => throw new ArgumentException($"LVS_EXPIRE_QUIESCENT_TEMPLATE='{other}' is not 0 or 1"),
            },
        };
        return settings.Interval <= TimeSpan.Zero || settings.Timeout <= TimeSpan.Zero || settings.Fall < 1 || settings.Rise < 1
            ? throw new ArgumentException("health check interval and timeout must be > 0, fall and rise ≥ 1")
            : settings;
    }

    private static RealServerEndpoint ParseEndpoint(string name, string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var addressText = colon < 0 ? text : text[..colon];
        ushort port = 0;
        if (!Ipv4Address.TryParse(addressText, out var address)
            || (colon >= 0 && !ushort.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port)))
        {
            throw new ArgumentException($"{name}='{text}' is not an a.b.c.d[:port] address");
        }

        return new RealServerEndpoint(address, port);
    }
}
