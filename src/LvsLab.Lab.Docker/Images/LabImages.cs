using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace LvsLab.Lab.Docker.Images;

/// <summary>
/// Builds the lab's images on first use and serves them from cache afterwards. Each image is
/// tagged with a hash of what it is built from (the base image and what its
/// <see cref="ImageSource"/> says: a source tree or the installed package), so a change rebuilds
/// it and an unchanged source never does; older tags of the same image are removed so rebuilds
/// leave nothing dangling.
/// </summary>
public sealed class LabImages
{
    /// <summary>The offline base image that <c>images/base/bootstrap.sh</c> makes.</summary>
    public const string OfflineBase = "lvslab/base:bookworm";

    /// <summary>The base image used where a registry is reachable.</summary>
    public const string RegistryBase = "debian:bookworm-slim";

    private readonly DockerClient client;
    private readonly ImageSource source;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, string> built = [];
    private string? baseImage;

    /// <summary>Creates the builder.</summary>
    /// <param name="engine">The Docker engine.</param>
    /// <param name="source">Where the images are built from (see <see cref="ImageSource.Locate"/>).</param>
    public LabImages(DockerEngine engine, ImageSource source)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(source);
        client = engine.Client;
        this.source = source;
    }

    /// <summary>Where the images are built from.</summary>
    public ImageSource Source => source;

    /// <summary>The image names the lab knows.</summary>
    public static IReadOnlyList<string> Known { get; } = ["client", "router", "director", "realserver", "nft-director", "ipvs-director", "xdp-director"];

    /// <summary>Returns the tag of lab image <paramref name="name"/>, building it if needed.</summary>
    /// <param name="name">One of <see cref="Known"/>.</param>
    /// <param name="progress">Receives progress lines.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>The image reference, e.g. <c>lvslab/client:3f2a…</c>.</returns>
    public async Task<string> EnsureAsync(string name, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (!Known.Contains(name))
        {
            if (name.Contains(':', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
            {
                // A user's own image (a forwarder under test): used as it is, never built here.
                return await ExistsAsync(name, cancellationToken)
                    ? name
                    : throw new ArgumentException($"image '{name}' is not in the local Docker engine: build or pull it first", nameof(name));
            }

            throw new ArgumentException($"unknown lab image '{name}' (known: {string.Join(", ", Known)}, or a user's image as NAME:TAG)", nameof(name));
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (built.TryGetValue(name, out var cached))
            {
                return cached;
            }

            var baseRef = baseImage ??= await EnsureBaseAsync(progress, cancellationToken);
            var baseId = (await client.Images.InspectImageAsync(baseRef, cancellationToken)).ID;
            var hash = TagHash(name, baseId);
            var tag = $"lvslab/{name}:{hash}";
            if (!await ExistsAsync(tag, cancellationToken))
            {
                var watch = Stopwatch.StartNew();
                progress?.Report($"building image {tag} from {source.Description}");
                await BuildAsync(name, tag, baseRef, progress, cancellationToken);
                progress?.Report($"built image {tag} in {watch.Elapsed.TotalSeconds:F1} s");
                await RemoveOlderTagsAsync(name, tag, cancellationToken);
            }

            built[name] = tag;
            return tag;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<string> EnsureBaseAsync(IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var chosen = Environment.GetEnvironmentVariable("LVSLAB_BASE_IMAGE");
        if (!string.IsNullOrEmpty(chosen))
        {
            return await ExistsAsync(chosen, cancellationToken)
                ? chosen
                : throw new InvalidOperationException($"LVSLAB_BASE_IMAGE '{chosen}' is not present in the Docker engine");
        }

        foreach (var candidate in new[] { RegistryBase, OfflineBase })
        {
            if (await ExistsAsync(candidate, cancellationToken))
            {
                return candidate;
            }
        }

        try
        {
            progress?.Report($"pulling {RegistryBase}");
            await client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = "debian", Tag = "bookworm-slim" }, null, new Progress<JSONMessage>(), cancellationToken);
            if (await ExistsAsync(RegistryBase, cancellationToken))
            {
                return RegistryBase;
            }
        }
        catch (DockerApiException e)
        {
            progress?.Report($"cannot pull {RegistryBase} ({e.StatusCode}): bootstrapping {OfflineBase} offline");
        }

        var result = await source.WithBootstrapScriptAsync(script => ProcessRunner.RunAsync("bash", [script, OfflineBase], progress, cancellationToken));
        if (result.ExitCode != 0 || !await ExistsAsync(OfflineBase, cancellationToken))
        {
            throw new InvalidOperationException($"bootstrapping {OfflineBase} (images/base/bootstrap.sh from {source.Description}) failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
        }

        return OfflineBase;
    }

    private async Task BuildAsync(string name, string tag, string baseRef, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            await source.WriteContextAsync(name, tar, progress, cancellationToken);
        }

        context.Position = 0;
        var errors = new StringBuilder();
        var log = new StringBuilder();
        var parameters = new ImageBuildParameters
        {
            Tags = [tag],
            BuildArgs = new Dictionary<string, string> { ["BASE"] = baseRef },
            Labels = new Dictionary<string, string> { [LabLabels.Marker] = "true", [LabLabels.Image] = name, [LabLabels.ImageSource] = source.Kind },
            Remove = true,
            ForceRemove = true,
        };
        await client.Images.BuildImageFromDockerfileAsync(
            parameters,
            context,
            authConfigs: null,
            headers: null,
            new SyncProgress<JSONMessage>(m =>
            {
                if (m.Error is not null)
                {
                    errors.AppendLine(m.Error.Message);
                }

                log.Append(m.Stream);
            }),
            cancellationToken);
        if (errors.Length > 0 || !await ExistsAsync(tag, cancellationToken))
        {
            throw new InvalidOperationException($"building {tag} from {source.Description} failed: {errors}\n{Tail(log.ToString(), 3000)}");
        }
    }

    private string TagHash(string name, string baseId)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes($"{baseId}\n{source.ContentHash(name)}"));
        return Convert.ToHexStringLower(digest)[..16];
    }

    private async Task<bool> ExistsAsync(string reference, CancellationToken cancellationToken)
    {
        try
        {
            await client.Images.InspectImageAsync(reference, cancellationToken);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    private async Task RemoveOlderTagsAsync(string name, string keep, CancellationToken cancellationToken)
    {
        var images = await client.Images.ListImagesAsync(
            new ImagesListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["reference"] = new Dictionary<string, bool> { [$"lvslab/{name}"] = true } } },
            cancellationToken);
        // Only tags from the same kind of source: images from a package and from a source tree
        // live side by side (a repository's own tests and its packed samples on one machine).
        foreach (var image in images.Where(i => i.Labels is null || !i.Labels.TryGetValue(LabLabels.ImageSource, out var kind) || kind == source.Kind))
        {
            foreach (var tag in image.RepoTags ?? [])
            {
                if (tag != keep)
                {
                    try
                    {
                        await client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = false }, cancellationToken);
                    }
                    catch (DockerApiException)
                    {
                        // Still used by a running lab: it goes at the next rebuild.
                    }
                }
            }
        }
    }

    private static string Tail(string text, int max) => text.Length <= max ? text : text[^max..];

    /// <summary>An <see cref="IProgress{T}"/> that reports on the calling thread, in order.</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
