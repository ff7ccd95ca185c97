using System.Diagnostics;
using LvsLab.Lab.Docker;
using LvsLab.Lab.Docker.Images;

namespace LvsLab.Scenarios;

/// <summary>The lab's images build on first use and then come from cache.</summary>
[Collection(DrLabCollection.Name)]
public sealed class ImageScenarios(DrLabFixture fixture, ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("client")]
    [InlineData("router")]
    [InlineData("director")]
    [InlineData("realserver")]
    public async Task ImageInUseComesFromCacheWithoutRebuilding(string image)
    {
        Skip.If(fixture.Topology.Nodes.All(n => n.Image != image), $"no node of this lab runs the '{image}' image (the forwarder '{fixture.Description.Name}' runs '{fixture.Description.Image}' in the director)");
        var lines = new List<string>();
        var images = new LabImages(DockerEngine.Connect(), ImageSource.Locate());
        var watch = Stopwatch.StartNew();

        var tag = await images.EnsureAsync(image, new SyncProgress(lines.Add), CancellationToken.None);

        output.WriteLine($"{tag} in {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.DoesNotContain(lines, l => l.StartsWith("building", StringComparison.Ordinal));
        var node = fixture.Topology.Nodes.First(n => n.Image == image);
        var container = await DockerEngine.Connect().Client.Containers.InspectContainerAsync(DockerLabRuntime.ContainerName(fixture.Topology.Name, node.Name));
        Assert.Equal(tag, container.Config!.Image);
        Assert.Equal("true", container.Config.Labels[LabLabels.Marker]);
    }

    [Fact]
    public async Task OnlyTheCurrentTagOfEachLabImageIsKept()
    {
        var all = await DockerEngine.Connect().Client.Images.ListImagesAsync(new Docker.DotNet.Models.ImagesListParameters());
        // One tag per image and kind of source (a source tree's and a package's live side by side).
        var tags = all
            .SelectMany(i => (i.RepoTags ?? []).Select(t => (Tag: t, Source: i.Labels is not null && i.Labels.TryGetValue(LabLabels.ImageSource, out var kind) ? kind : "unlabelled")))
            .Where(t => t.Tag.StartsWith("lvslab/", StringComparison.Ordinal) && !t.Tag.StartsWith("lvslab/base", StringComparison.Ordinal))
            .ToList();

        output.WriteLine(string.Join('\n', tags.Select(t => $"{t.Tag} ({t.Source})")));
        Assert.Equal(tags.Count, tags.Select(t => (t.Tag.Split(':')[0], t.Source)).Distinct().Count());
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
