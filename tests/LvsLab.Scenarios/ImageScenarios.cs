using System.Diagnostics;
using LvsLab.Lab.Docker;

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
        var images = new LabImages(DockerEngine.Connect(), RepositoryLayout.Root());
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
        var tags = all.SelectMany(i => i.RepoTags ?? []).Where(t => t.StartsWith("lvslab/", StringComparison.Ordinal) && !t.StartsWith("lvslab/base", StringComparison.Ordinal)).ToList();

        output.WriteLine(string.Join('\n', tags));
        Assert.Equal(tags.Count, tags.Select(t => t.Split(':')[0]).Distinct().Count());
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
