using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LvsLab.Lab.Runtime;

/// <summary>Waits on a condition (polled with back-off by Polly), never for a fixed time.</summary>
public static class Eventually
{
    /// <summary>Returns once <paramref name="condition"/> holds; throws naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="timeout">The longest wait.</param>
    /// <param name="what">What is awaited, for the message.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public static async Task TrueAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        // The timeout is added first, so it is the outer strategy: it bounds the whole wait,
        // not each attempt (a retry inside an inner timeout would poll forever).
        var pipeline = new ResiliencePipelineBuilder<bool>()
            .AddTimeout(timeout)
            .AddRetry(new RetryStrategyOptions<bool>
            {
                ShouldHandle = new PredicateBuilder<bool>().HandleResult(false),
                MaxRetryAttempts = int.MaxValue,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Exponential,
                MaxDelay = TimeSpan.FromMilliseconds(500),
            })
            .Build();
        try
        {
            await pipeline.ExecuteAsync(async ct => await condition(ct), cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new TimeoutException($"gave up after {timeout.TotalSeconds:F0} s waiting for {what}", e);
        }
    }
}
