namespace LvsLab.Lab.Docker.Images;

/// <summary>Finds the LvsLab source tree (images and the director's source) at run time.</summary>
public static class RepositoryLayout
{
    /// <summary>
    /// The repository's root: <c>LVSLAB_ROOT</c> when set, else the nearest folder above the
    /// running program that holds <c>LvsLab.sln</c> and <c>images/</c>.
    /// </summary>
    /// <returns>The root folder.</returns>
    public static string Root()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("LVSLAB_ROOT");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return Directory.Exists(Path.Combine(fromEnvironment, "images"))
                ? fromEnvironment
                : throw new DirectoryNotFoundException($"LVSLAB_ROOT '{fromEnvironment}' has no images/ folder");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LvsLab.sln")) && Directory.Exists(Path.Combine(dir.FullName, "images")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException(
            $"cannot find the LvsLab repository above {AppContext.BaseDirectory}; set LVSLAB_ROOT to its folder");
    }
}
