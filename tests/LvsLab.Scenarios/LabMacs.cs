using System.Net.NetworkInformation;

namespace LvsLab.Scenarios;

/// <summary>MACs as the lab prints them (<c>aa:bb:…</c>) for frames built by hand.</summary>
internal static class LabMacs
{
    /// <summary>Parses a MAC written with colons.</summary>
    public static PhysicalAddress Parse(string text) => PhysicalAddress.Parse(text.Replace(':', '-').ToUpperInvariant());
}
