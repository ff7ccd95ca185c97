using System.Formats.Tar;
using System.IO.Compression;
using System.Reflection;
using System.Security.Cryptography;

namespace LvsLab.Lab.Docker.Images;

/// <summary>
/// Images from what this build of LvsLab carries: a gzipped tar embedded in the assembly by
/// <c>packaging/pack</c>, holding <c>images/NAME/</c> (each image's folder), <c>shared/</c> (the
/// .NET runtime files every program has in common) and <c>programs/ASSEMBLY/</c> (what is each
/// program's own). A program's build context gets <c>shared/</c> and its own folder under
/// <c>publish/</c>: the same self-contained program a source build publishes, with no source tree
/// and no SDK at hand.
/// </summary>
public sealed class PackagedImageSource : ImageSource
{
    /// <summary>The name of the embedded payload.</summary>
    public const string ResourceName = "LvsLab.Lab.Docker.lab-images.tar.gz";

    private readonly Assembly assembly;
    private readonly Lazy<string> payloadHash;

    private PackagedImageSource(Assembly assembly)
    {
        this.assembly = assembly;
        payloadHash = new Lazy<string>(HashPayload);
    }

    /// <inheritdoc/>
    public override string Kind => "package";

    /// <inheritdoc/>
    public override string Description =>
        $"the images packaged in {assembly.GetName().Name} {assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString()}";

    /// <summary>The packaged source, or null when this build carries no images (a build from source).</summary>
    /// <returns>The source or null.</returns>
    public static PackagedImageSource? TryOpen()
    {
        var assembly = typeof(PackagedImageSource).Assembly;
        return assembly.GetManifestResourceInfo(ResourceName) is null ? null : new PackagedImageSource(assembly);
    }

    /// <inheritdoc/>
    public override string ContentHash(string name)
    {
        var digest = SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{name}\n{payloadHash.Value}"));
        return Convert.ToHexStringLower(digest)[..16];
    }

    /// <inheritdoc/>
    public override async Task WriteContextAsync(string name, TarWriter context, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var folder = $"images/{name}/";
        var program = Programs.TryGetValue(name, out var assemblyName) ? $"programs/{assemblyName}/" : null;
        var found = false;
        await using var payload = OpenPayload();
        await using var gzip = new GZipStream(payload, CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                continue;
            }

            var path = entry.Name.StartsWith("./", StringComparison.Ordinal) ? entry.Name[2..] : entry.Name;
            string? target = null;
            if (path.StartsWith(folder, StringComparison.Ordinal))
            {
                target = path[folder.Length..];
                found = true;
            }
            else if (program is not null && path.StartsWith("shared/", StringComparison.Ordinal))
            {
                target = "publish/" + path["shared/".Length..];
            }
            else if (program is not null && path.StartsWith(program, StringComparison.Ordinal))
            {
                target = "publish/" + path[program.Length..];
            }

            if (target is not null)
            {
                var copy = new PaxTarEntry(TarEntryType.RegularFile, target)
                {
                    Mode = entry.Mode,
                    ModificationTime = entry.ModificationTime,
                    DataStream = entry.DataStream,
                };
                await context.WriteEntryAsync(copy, cancellationToken);
            }
        }

        if (!found)
        {
            throw new InvalidOperationException($"{Description} hold no image '{name}'");
        }
    }

    /// <inheritdoc/>
    public override async Task<T> WithBootstrapScriptAsync<T>(Func<string, Task<T>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var script = Path.Combine(Path.GetTempPath(), $"lvslab-bootstrap-{Guid.NewGuid():N}.sh");
        try
        {
            await using (var payload = OpenPayload())
            await using (var gzip = new GZipStream(payload, CompressionMode.Decompress))
            {
                using var reader = new TarReader(gzip);
                while (await reader.GetNextEntryAsync() is { } entry)
                {
                    if (entry.Name.TrimStart('.', '/') == "images/base/bootstrap.sh")
                    {
                        await entry.ExtractToFileAsync(script, overwrite: true);
                        break;
                    }
                }
            }

            return File.Exists(script)
                ? await action(script)
                : throw new InvalidOperationException($"{Description} hold no images/base/bootstrap.sh");
        }
        finally
        {
            File.Delete(script);
        }
    }

    private Stream OpenPayload() =>
        assembly.GetManifestResourceStream(ResourceName) ?? throw new InvalidOperationException($"{ResourceName} is missing from {assembly.GetName().Name}");

    private string HashPayload()
    {
        using var payload = OpenPayload();
        return Convert.ToHexStringLower(SHA256.HashData(payload));
    }
}
