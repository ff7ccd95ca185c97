namespace LvsLab.Director;

/// <summary>What a Forward decision is counted against.</summary>
/// <param name="ServiceIndex">Index of the virtual service.</param>
/// <param name="RealServerIndex">Index of the real server in the service.</param>
/// <param name="IsReply">True for a NAT reply forwarded from the real server to the client.</param>
internal readonly record struct Forwarding(int ServiceIndex, int RealServerIndex, bool IsReply);
