using LvsLab.Conformance.Reports;

namespace LvsLab.Conformance.Tests;

public class TerminalMatrixTests
{
    private const string Expected = """
        ID          level   mode  lvslab      nftables
        DR-ARP-1    MUST    dr    pass        FAIL
        DR-ARP-2    SHOULD  dr    non-strict  pass
        NAT-SNAT-1  MUST    nat   pass        -
        TUN-IPIP-1  MUST    tun               ERROR

        lvslab    2 pass, 0 fail, 1 non-strict, 0 unsupported, 0 error; conforms; 12.2 s
        nftables  1 pass, 1 fail, 0 non-strict, 1 unsupported, 1 error; does not conform; 4.0 s

        """;

    [Fact]
    public void TheMatrixOfASmallReportIsExactlyThis() =>
        Assert.Equal(Expected, TerminalMatrix.Render(Reports.Small()));

    [Fact]
    public void ColourWrapsCellsAndKeepsTheColumnsAligned()
    {
        var coloured = TerminalMatrix.Render(Reports.Small(), useColor: true);
        Assert.Contains("\u001b[1;31mFAIL\u001b[0m", coloured, StringComparison.Ordinal);
        Assert.Contains("\u001b[90m-\u001b[0m", coloured, StringComparison.Ordinal);
        var plain = System.Text.RegularExpressions.Regex.Replace(coloured, "\u001b\\[[0-9;]*m", string.Empty);
        Assert.Equal(Expected, plain);
    }

    [Fact]
    public void AReportWithNoForwardersIsJustTheHeader() =>
        Assert.Equal("ID  level  mode\n", TerminalMatrix.Render(new([], Reports.Started)));
}
