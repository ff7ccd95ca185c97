using System.Formats.Tar;

namespace LvsLab.Lab.Docker.Images;

/// <summary>
/// Where the lab's images are built from: each image's folder (its Dockerfile and scripts),
/// the program it carries (published into the build context's <c>publish/</c>) and the script
/// that bootstraps the offline base image. Either a source checkout
/// (<see cref="RepositoryImageSource"/>) or what the installed package carries
/// (<see cref="PackagedImageSource"/>); the builder never knows which.
/// </summary>
public abstract class ImageSource
{
    /// <summary>The images that carry a .NET program of ours, and that program's assembly name.</summary>
    public static IReadOnlyDictionary<string, string> Programs { get; } = new Dictionary<string, string>
    {
        ["director"] = "lvs-director",
        ["client"] = "lvs-pktgen",
        ["realserver"] = "lvs-decap",
        ["nft-director"] = "lvs-nft",
        ["xdp-director"] = "lvs-xdp",
    };

    /// <summary>The kind of source, as the images' <see cref="LabLabels.ImageSource"/> label says: <c>repository</c> or <c>package</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Says where the images come from, for progress lines and errors.</summary>
    public abstract string Description { get; }

    /// <summary>A short hash of everything image <paramref name="name"/> is built from (not the base image).</summary>
    /// <param name="name">A lab image name.</param>
    /// <returns>Hex digits: equal hashes mean equal build contexts.</returns>
    public abstract string ContentHash(string name);

    /// <summary>Writes the build context of image <paramref name="name"/>: its folder at the root and its program under <c>publish/</c>.</summary>
    /// <param name="name">A lab image name.</param>
    /// <param name="context">The context being written.</param>
    /// <param name="progress">Receives progress lines.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public abstract Task WriteContextAsync(string name, TarWriter context, IProgress<string>? progress, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="action"/> with the path of the base image's bootstrap script on disk.</summary>
    /// <param name="action">Receives the script's path.</param>
    /// <returns>What <paramref name="action"/> returns.</returns>
    public abstract Task<T> WithBootstrapScriptAsync<T>(Func<string, Task<T>> action);

    /// <summary>
    /// The source this process uses: <c>LVSLAB_ROOT</c> when set; else the images this build of
    /// LvsLab carries (an installed package); else the source checkout above the running program.
    /// </summary>
    /// <returns>The source.</returns>
    public static ImageSource Locate()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("LVSLAB_ROOT")))
        {
            return new RepositoryImageSource(RepositoryLayout.Root());
        }

        return PackagedImageSource.TryOpen() ?? (ImageSource)new RepositoryImageSource(RepositoryLayout.Root());
    }
}
