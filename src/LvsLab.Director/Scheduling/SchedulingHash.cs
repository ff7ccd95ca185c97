namespace LvsLab.Director.Scheduling;

/// <summary>The hash functions of the hashing schedulers.</summary>
internal static class SchedulingHash
{
    /// <summary>The kernel's <c>hash_32</c> multiplier (<c>GOLDEN_RATIO_32</c>).</summary>
    private const uint GoldenRatio32 = 0x61C88647;

    /// <summary>The kernel's multiplicative <c>hash_32</c>: the top <paramref name="bits"/> bits of the product.</summary>
    /// <param name="value">The value.</param>
    /// <param name="bits">1 to 32.</param>
    /// <returns>A value below 2^bits.</returns>
    public static uint Hash32(uint value, int bits) => unchecked(value * GoldenRatio32) >> (32 - bits);

    /// <summary>
    /// A keyed 32-bit hash (a 64-bit finaliser over the value and the key). It plays the part of
    /// the kernel's keyed <c>hsiphash</c> in <c>ip_vs_mh</c>; it is not bit-compatible with it.
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="key">The key.</param>
    /// <returns>The hash.</returns>
    public static uint Keyed(uint value, ulong key)
    {
        unchecked
        {
            ulong x = (value | ((ulong)value << 32)) ^ key;
            x += 0x9E3779B97F4A7C15UL;
            x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
            x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
            x ^= x >> 31;
            return (uint)(x ^ (x >> 32));
        }
    }
}
