using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;

namespace LvsLab.Lab.Docker.Images;

/// <summary>
/// Images from a source checkout: <c>images/NAME/</c> and, for images that carry a program,
/// that program published from its project (self-contained) at build time. The hash covers the
/// image's folder and the program's sources, so an edit rebuilds and an unchanged tree never does.
/// </summary>
/// <param name="root">The repository's root (see <see cref="RepositoryLayout"/>).</param>
public sealed class RepositoryImageSource(string root) : ImageSource
{
    /// <summary>The project of each program and the folders its hash covers.</summary>
    private static readonly Dictionary<string, (string Project, string[] Sources)> Projects = new()
    {
        ["director"] = ("src/LvsLab.Director.Host/LvsLab.Director.Host.csproj", ["src/LvsLab.Packets", "src/LvsLab.PacketIo", "src/LvsLab.Director", "src/LvsLab.Director.Host"]),
        ["client"] = ("src/LvsLab.PacketGen/LvsLab.PacketGen.csproj", ["src/LvsLab.PacketIo", "src/LvsLab.PacketGen"]),
        ["realserver"] = ("src/LvsLab.Decap/LvsLab.Decap.csproj", ["src/LvsLab.Packets", "src/LvsLab.Decap"]),
        ["nft-director"] = ("src/LvsLab.Nft/LvsLab.Nft.csproj", ["src/LvsLab.Packets", "src/LvsLab.Director", "src/LvsLab.Nft"]),
        ["xdp-director"] = ("src/LvsLab.Xdp/LvsLab.Xdp.csproj", ["src/LvsLab.Packets", "src/LvsLab.Director", "src/LvsLab.Xdp"]),
    };

    private static readonly string[] BuildFiles = ["Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig"];

    /// <inheritdoc/>
    public override string Kind => "repository";

    /// <inheritdoc/>
    public override string Description => $"the source tree at {root}";

    /// <inheritdoc/>
    public override string ContentHash(string name)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var roots = new List<string> { Path.Combine("images", name) };
        if (Projects.TryGetValue(name, out var program))
        {
            roots.AddRange(program.Sources);
        }

        var files = roots
            .SelectMany(r => Directory.EnumerateFiles(Path.Combine(root, r), "*", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/publish/", StringComparison.Ordinal))
            .Concat(Projects.ContainsKey(name) ? BuildFiles.Where(f => File.Exists(Path.Combine(root, f))) : [])
            .Order(StringComparer.Ordinal);
        foreach (var file in files)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(file));
            sha.AppendData(File.ReadAllBytes(Path.Combine(root, file)));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset())[..16];
    }

    /// <inheritdoc/>
    public override async Task WriteContextAsync(string name, TarWriter context, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await AddFolderAsync(context, Path.Combine(root, "images", name), string.Empty, cancellationToken);
        if (!Projects.TryGetValue(name, out var program))
        {
            return;
        }

        var publish = await PublishAsync(program.Project, progress, cancellationToken);
        try
        {
            await AddFolderAsync(context, publish, "publish/", cancellationToken);
        }
        finally
        {
            Directory.Delete(publish, recursive: true);
        }
    }

    /// <inheritdoc/>
    public override Task<T> WithBootstrapScriptAsync<T>(Func<string, Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action(Path.Combine(root, "images", "base", "bootstrap.sh"));
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
}
