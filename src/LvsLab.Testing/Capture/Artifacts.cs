namespace LvsLab.Testing.Capture;

/// <summary>Where scenario evidence (pcaps) is kept.</summary>
public static class Artifacts
{
    /// <summary>
    /// The folder for one scenario: <c>$LVSLAB_ARTIFACTS/&lt;suite&gt;/&lt;scenario&gt;</c>, by default
    /// under <c>TestResults/captures</c> in the repository (the nearest folder above the running
    /// program that holds <c>LvsLab.sln</c>), or in the current directory outside the repository.
    /// </summary>
    /// <param name="suite">The suite (test class).</param>
    /// <param name="scenario">The scenario (test).</param>
    /// <returns>The folder (created).</returns>
    public static string For(string suite, string scenario)
    {
        var root = Environment.GetEnvironmentVariable("LVSLAB_ARTIFACTS");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), "TestResults", "captures");
        }

        var folder = Path.Combine(root, suite, scenario);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>The nearest folder above the running program that holds <c>LvsLab.sln</c>, if any.</summary>
    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LvsLab.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
