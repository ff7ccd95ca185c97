using Docker.DotNet;

namespace LvsLab.Lab.Docker;

/// <summary>
/// What an image runs when it starts (its entrypoint and command): a lab container starts the
/// node's wiring script first, which then runs exactly this.
/// </summary>
/// <param name="Entrypoint">The image's entrypoint (may be empty).</param>
/// <param name="Command">The image's command (may be empty).</param>
internal sealed record ImageLaunch(IReadOnlyList<string> Entrypoint, IReadOnlyList<string> Command)
{
    /// <summary>Reads an image's entrypoint and command from the engine.</summary>
    public static async Task<ImageLaunch> InspectAsync(DockerClient client, string image, CancellationToken cancellationToken)
    {
        var inspect = await client.Images.InspectImageAsync(image, cancellationToken);
        return new ImageLaunch([.. inspect.Config?.Entrypoint ?? []], [.. inspect.Config?.Cmd ?? []]);
    }
}
