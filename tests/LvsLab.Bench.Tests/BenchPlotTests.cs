using System.Buffers.Binary;

namespace LvsLab.Bench.Tests;

public sealed class BenchPlotTests : IDisposable
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];
    private readonly string folder = Directory.CreateTempSubdirectory("benchplot-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static IReadOnlyList<BenchSample> Tcp()
    {
        ApacheBenchResult Rate(double rate) => new(2000, 0, rate, 1, 3);
        return
        [
            new("dr", "direct", 1, Rate(9100), null, null),
            new("dr", "lvslab", 1, Rate(6100), 150, 2),
            new("dr", "nftables", 1, Rate(8000), null, null),
            new("dr", "direct", 2, Rate(9300), null, null),
            new("dr", "lvslab", 2, Rate(6500), 140, 1),
            new("dr", "nftables", 2, Rate(7800), null, null),
            new("nat", "lvslab", 1, Rate(4200), 190, 3),
            new("nat", "nftables", 1, Rate(7000), null, null),
            new("nat", "lvslab", 2, Rate(4400), 185, 2),
            new("nat", "nftables", 2, Rate(7100), null, null),
        ];
    }

    private static IReadOnlyList<UdpRateSample> Udp()
    {
        var samples = new List<UdpRateSample>();
        foreach (var (mode, forwarder, saturation) in new[] { ("dr", "direct", 1e9), ("dr", "lvslab", 40_000.0), ("dr", "nftables", 1e9), ("nat", "lvslab", 30_000.0), ("nat", "nftables", 80_000.0) })
        {
            foreach (var rate in new[] { 5000, 10000, 20000, 50000, 100000 })
            {
                var sent = rate * 2L;
                var received = (long)(Math.Min(rate, saturation) * 2);
                samples.Add(new UdpRateSample(mode, forwarder, rate, sent, received, forwarder == "lvslab" ? 12 : null, rate * 0.97));
                if (received < sent)
                {
                    break; // the search offers a target no more once it loses
                }
            }
        }

        return samples;
    }

    [Fact]
    public void TheBenchRendersAsAPngOfTheRequestedSize()
    {
        var path = Path.Combine(folder, "bench.png");

        BenchPlot.SavePng(path, Tcp(), Udp(), "machine: 2 CPU(s), test CPU, Linux 6.1", 900, 700);

        var (width, height) = PngSize(path);
        Assert.Equal((900, 700), (width, height));
        Assert.True(new FileInfo(path).Length > 20_000, $"{new FileInfo(path).Length} bytes: too small to hold two panels with text");
    }

    [Fact]
    public void ABenchWithoutUdpStillRenders()
    {
        var path = Path.Combine(folder, "tcp-only.png");

        BenchPlot.SavePng(path, Tcp(), [], "machine: test");

        Assert.Equal((1000, 1000), PngSize(path));
    }

    // The width and height of the IHDR chunk, which follows the signature (and the chunk's length and type).
    private static (int Width, int Height) PngSize(string path)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Equal("IHDR"u8.ToArray(), bytes[12..16]);
        return (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
    }
}
