using LvsLab.Director.Translation;
using LvsLab.Nft;

// lvs-nft --rules FILE --interface eth0[,eth1] [--arp /proc/net/arp] [--neigh6 FILE]: the nftables
// script for the rules (--neigh6: what `ip -6 neigh show` printed, the IPv6 real servers' MACs);
// lvs-nft --rules FILE --vips | --rips: the addresses. See TranslatorCommandLine.
var commandLine = new TranslatorCommandLine(
    "lvs-nft",
    manyInterfaces: true,
    input => NftTranslator.Translate(input.Rules, input.Lines, input.Interfaces, input.Neighbours, input.Neighbours6));
return await commandLine.RunAsync(args, Console.Out, Console.Error);
