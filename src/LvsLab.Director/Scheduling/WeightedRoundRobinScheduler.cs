using LvsLab.Director.Rules;

namespace LvsLab.Director.Scheduling;

/// <summary>
/// <c>wrr</c>: weighted round robin exactly as IPVS's <c>ip_vs_wrr</c> schedules. A current
/// weight <c>cw</c> starts at the maximum weight; each pass over the list picks, in order,
/// every server whose weight is at least <c>cw</c>; after a pass <c>cw</c> drops by the
/// greatest common divisor of the weights and wraps back to the maximum below 1. Servers of
/// weight 0 are never chosen. For weights 3, 1, 1 one cycle is A, A, A, B, C.
/// </summary>
public sealed class WeightedRoundRobinScheduler : IScheduler
{
    /// <summary>The ipvsadm name.</summary>
    public const string SchedulerName = "wrr";

    // IPVS's struct ip_vs_wrr_mark: cl (current position, -1 = list head), cw (current
    // weight), mw (maximum weight, adjusted by the gcd), di (decrement: gcd of weights).
    private int _position = -1;
    private int _currentWeight;
    private int _maxWeight;
    private int _step = 1;

    /// <inheritdoc/>
    public string Name => SchedulerName;

    /// <summary>The current weight <c>cw</c> (for tests and diagnostics).</summary>
    public int CurrentWeight => _currentWeight;

    /// <inheritdoc/>
    public void Reset(IReadOnlyList<RealServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        _position = -1;
        _step = GcdOfWeights(servers);
        _maxWeight = MaxWeight(servers) - (_step - 1);
        _currentWeight = _maxWeight;
    }

    /// <inheritdoc/>
    public int Select(IReadOnlyList<RealServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (_maxWeight <= 0)
        {
            return -1;
        }

        int count = servers.Count;
        if (_position >= count)
        {
            _position = -1;
        }

        // A transcription of ip_vs_wrr_schedule() with indices for list entries; -1 is the
        // list head. 'stop' bounds the final pass when the search restarted mid-list.
        const int None = int.MinValue;
        int last = _position;
        int candidate = _position;
        int stop = None;
        bool lastPass = false;
        bool restarted = false;
        while (true)
        {
            for (candidate++; candidate < count; candidate++)
            {
                if (servers[candidate].Weight >= _currentWeight)
                {
                    _position = candidate;
                    return candidate;
                }

                if (candidate == stop)
                {
                    return -1;
                }
            }

            candidate = -1;
            _currentWeight -= _step;
            if (_currentWeight <= 0)
            {
                _currentWeight = _maxWeight;
                if (lastPass || last == -1)
                {
                    return -1;
                }

                restarted = true;
            }

            lastPass = _currentWeight <= _step;
            if (lastPass && restarted && last != -1)
            {
                stop = last;
            }
        }
    }

    private static int GcdOfWeights(IReadOnlyList<RealServer> servers)
    {
        int gcd = 0;
        for (int i = 0; i < servers.Count; i++)
        {
            int weight = servers[i].Weight;
            if (weight > 0)
            {
                gcd = gcd > 0 ? Gcd(weight, gcd) : weight;
            }
        }

        return gcd > 0 ? gcd : 1;
    }

    private static int MaxWeight(IReadOnlyList<RealServer> servers)
    {
        int max = 0;
        for (int i = 0; i < servers.Count; i++)
        {
            max = Math.Max(max, servers[i].Weight);
        }

        return max;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
