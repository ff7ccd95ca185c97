using System.Globalization;
using LvsLab.PacketGen;

GenArguments arguments;
IReadOnlyList<LocalSubnet> localSubnets = [];
try
{
    arguments = GenArguments.Parse(args);
    if (arguments.Command == GenCommand.Syn && !arguments.Help)
    {
        // The forged sources must lie on one of this machine's subnets (the sender checks again).
        localSubnets = LocalSubnet.ReadAll();
        LabBoundary.RequireOnLocalSubnet(arguments.Sources!.Value, localSubnets);
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"lvs-pktgen: {e.Message}");
    Console.Error.WriteLine(GenArguments.Usage);
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(GenArguments.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
try
{
    if (arguments.Command == GenCommand.Syn)
    {
        var syn = SynFlooder.Run(arguments, localSubnets, stop.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sent={syn.Sent} seconds={syn.Seconds:F3} rate={syn.Rate:F0} offered={arguments.Rate} errors={syn.Errors} sources={arguments.Sources}"));
        return 0;
    }

    var result = UdpBlaster.Run(arguments, stop.Token);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sent={result.Sent} seconds={result.Seconds:F3} rate={result.Rate:F0} offered={arguments.Rate} errors={result.Errors}"));
    return 0;
}
catch (System.Net.Sockets.SocketException e) when (arguments.Command == GenCommand.Syn && e.SocketErrorCode == System.Net.Sockets.SocketError.AccessDenied)
{
    Console.Error.WriteLine($"lvs-pktgen: {arguments.To}: {e.Message} (a raw socket needs root or CAP_NET_RAW)");
    return 1;
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"lvs-pktgen: {arguments.To}: {e.Message}");
    return 1;
}
