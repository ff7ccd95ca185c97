using System.Globalization;
using LvsLab.PacketGen;

GenArguments arguments;
try
{
    arguments = GenArguments.Parse(args);
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
    var result = UdpBlaster.Run(arguments, stop.Token);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sent={result.Sent} seconds={result.Seconds:F3} rate={result.Rate:F0} offered={arguments.Rate} errors={result.Errors}"));
    return 0;
}
catch (System.Net.Sockets.SocketException e)
{
    Console.Error.WriteLine($"lvs-pktgen: {arguments.To}: {e.Message}");
    return 1;
}
