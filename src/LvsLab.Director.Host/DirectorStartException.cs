namespace LvsLab.Director.Host;

/// <summary>The director cannot start (no such interface, no permission); nothing is running.</summary>
internal sealed class DirectorStartException(string message, Exception? inner = null) : Exception(message, inner);
