using LvsLab.Director.Translation;
using LvsLab.Xdp;

// lvs-xdp --rules FILE [--interface eth0] [--arp /proc/net/arp]: the XDP forwarder's map plan for
// the rules (xdp-loader reads it); lvs-xdp --rules FILE --vips | --rips: the addresses. See
// TranslatorCommandLine.
var commandLine = new TranslatorCommandLine(
    "lvs-xdp",
    manyInterfaces: false,
    input => XdpPlan.Translate(input.Rules, input.Lines, input.Interfaces[0], input.Neighbours));
return await commandLine.RunAsync(args, Console.Out, Console.Error);
