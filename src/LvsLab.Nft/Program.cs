using LvsLab.Director.Translation;
using LvsLab.Nft;

// lvs-nft --rules FILE --interface eth0[,eth1] [--arp /proc/net/arp]: the nftables script for the
// rules; lvs-nft --rules FILE --vips | --rips: the addresses. See TranslatorCommandLine.
var commandLine = new TranslatorCommandLine(
    "lvs-nft",
    manyInterfaces: true,
    input => NftTranslator.Translate(input.Rules, input.Lines, input.Interfaces, input.Neighbours));
return await commandLine.RunAsync(args, Console.Out, Console.Error);
