using System.Diagnostics;
using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace LvsLab.Lab.Docker;

/// <summary>
/// Builds the lab's images on first use and serves them from cache afterwards. Each image is
/// tagged with a hash of what it is built from (its folder, the base image and, for the
/// director, the director's source), so a change rebuilds it and an unchanged tree never does;
/// older tags of the same image are removed so rebuilds leave nothing dangling.
/// </summary>
public sealed class LabImages
{
    /// <summary>The offline base image that <c>images/base/bootstrap.sh</c> makes.</summary>
    public const string OfflineBase = "lvslab/base:bookworm";

    /// <summary>The base image used where a registry is reachable.</summary>
    public const string RegistryBase = "debian:bookworm-slim";

    /// <summary>Images that carry a .NET program of ours: the project published into the build context's <c>publish/</c>, and the folders its hash covers.</summary>
    private static readonly Dictionary<string, (string Project, string[] Sources)> Programs = new()
    {
        ["director"] = ("src/LvsLab.Director.Host/LvsLab.Director.Host.csproj", ["src/LvsLab.Packets", "src/LvsLab.PacketIo", "src/LvsLab.Director", "src/LvsLab.Director.Host"]),
        ["client"] = ("src/LvsLab.PacketGen/LvsLab.PacketGen.csproj", ["src/LvsLab.PacketIo", "src/LvsLab.PacketGen"]),
        ["realserver"] = ("src/LvsLab.Decap/LvsLab.Decap.csproj", ["src/LvsLab.Packets", "src/LvsLab.Decap"]),
        ["nft-director"] = ("src/LvsLab.Nft/LvsLab.Nft.csproj", ["src/LvsLab.Packets", "src/LvsLab.Director", "src/LvsLab.Nft"]),
    };
    private static readonly string[] BuildFiles = ["Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig"];

    private readonly DockerClient client;
    private readonly string root;
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, string> built = [];
    private string? baseImage;

    /// <summary>Creates the builder.</summary>
    /// <param name="engine">The Docker engine.</param>
    /// <param name="root">The repository root (see <see cref="RepositoryLayout"/>).</param>
    public LabImages(DockerEngine engine, string root)
    {
        ArgumentNullException.ThrowIfNull(engine);
        client = engine.Client;
        this.root = root;
    }

    /// <summary>The image names the lab knows.</summary>
    public static IReadOnlyList<string> Known { get; } = ["client", "router", "director", "realserver", "nft-director", "ipvs-director"];

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
            var folder = Path.Combine(root, "images", name);
            var hash = ContentHash(name, baseId);
            var tag = $"lvslab/{name}:{hash}";
            if (!await ExistsAsync(tag, cancellationToken))
            {
                var watch = Stopwatch.StartNew();
                progress?.Report($"building image {tag}");
                string? publish = null;
                try
                {
                    if (Programs.TryGetValue(name, out var program))
                    {
                        publish = await PublishAsync(program.Project, progress, cancellationToken);
                    }

                    await BuildAsync(folder, publish, tag, name, baseRef, cancellationToken);
                }
                finally
                {
                    if (publish is not null && Directory.Exists(publish))
                    {
                        Directory.Delete(publish, recursive: true);
                    }
                }

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

        var script = Path.Combine(root, "images", "base", "bootstrap.sh");
        var result = await ProcessRunner.RunAsync("bash", [script, OfflineBase], progress, cancellationToken);
        if (result.ExitCode != 0 || !await ExistsAsync(OfflineBase, cancellationToken))
        {
            throw new InvalidOperationException($"{script} failed (exit {result.ExitCode}): {result.Stderr.Trim()}");
        }

        return OfflineBase;
    }

    private async Task<string> PublishAsync(string relativeProject, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var output = Path.Combine(Path.GetTempPath(), $"lvslab-publish-{Guid.NewGuid():N}");
        progress?.Report($"publishing {Path.GetFileNameWithoutExtension(relativeProject)} (self-contained)");
        var project = Path.Combine(root, relativeProject);
        var result = await ProcessRunner.RunAsync(
            "dotnet",
            ["publish", project, "-c", "Release", "-r", "linux-x64", "--self-contained", "-p:PublishSingleFile=true", "-o", output, "--nologo", "-v", "quiet"],
            progress: null,
            cancellationToken);
        if (result.ExitCode != 0)
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }

            throw new InvalidOperationException($"dotnet publish of {relativeProject} failed (exit {result.ExitCode}): {result.Stdout}{result.Stderr}");
        }

        return output;
    }

    private async Task BuildAsync(string folder, string? publish, string tag, string name, string baseRef, CancellationToken cancellationToken)
    {
        using var context = new MemoryStream();
        await using (var tar = new TarWriter(context, TarEntryFormat.Pax, leaveOpen: true))
        {
            await AddFolderAsync(tar, folder, string.Empty, cancellationToken);
            if (publish is not null)
            {
                await AddFolderAsync(tar, publish, "publish/", cancellationToken);
            }
        }

        context.Position = 0;
        var errors = new StringBuilder();
        var log = new StringBuilder();
        var parameters = new ImageBuildParameters
        {
            Tags = [tag],
            BuildArgs = new Dictionary<string, string> { ["BASE"] = baseRef },
            Labels = new Dictionary<string, string> { [LabLabels.Marker] = "true", [LabLabels.Image] = name },
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
            throw new InvalidOperationException($"building {tag} from {folder} failed: {errors}\n{Tail(log.ToString(), 3000)}");
        }
    }

    private static async Task AddFolderAsync(TarWriter tar, string folder, string prefix, CancellationToken cancellationToken)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(folder, file).Replace('\\', '/');
            if (prefix.Length == 0 && relative.StartsWith("publish/", StringComparison.Ordinal))
            {
                continue;
            }

            await tar.WriteEntryAsync(file, prefix + relative, cancellationToken);
        }
    }

    private string ContentHash(string name, string baseId)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(baseId));
        var roots = new List<string> { Path.Combine("images", name) };
        if (Programs.TryGetValue(name, out var program))
        {
            roots.AddRange(program.Sources);
        }

        var files = roots
            .SelectMany(r => Directory.EnumerateFiles(Path.Combine(root, r), "*", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/publish/", StringComparison.Ordinal))
            .Concat(Programs.ContainsKey(name) ? BuildFiles : [])
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, file)));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
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
        foreach (var image in images)
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
