using LvsLab.Conformance.Reports;
using LvsLab.Conformance.Results;

namespace LvsLab.Conformance.Tests;

public class CatalogueOrderTests
{
    [Fact]
    public void IdsSortInNaturalOrder()
    {
        string[] ids = ["DR-ARP-10", "DR-ARP-2", "DR-ARP-1", "DR-ARP-02a", "DR-ARPX-1", "DR-AR-3", "DR-ARP-100", "DR-ARP-9"];
        var sorted = ids.Order(Comparer<string>.Create(CatalogueOrder.CompareIds)).ToList();
        Assert.Equal(["DR-AR-3", "DR-ARP-1", "DR-ARP-2", "DR-ARP-02a", "DR-ARP-9", "DR-ARP-10", "DR-ARP-100", "DR-ARPX-1"], sorted);
    }

    [Fact]
    public void LeadingZerosTieBreakByText()
    {
        Assert.True(CatalogueOrder.CompareIds("X-01", "X-1") < 0);
        Assert.True(CatalogueOrder.CompareIds("X-1", "X-01") > 0);
        Assert.Equal(0, CatalogueOrder.CompareIds("X-1", "X-1"));
    }

    [Fact]
    public void ModesComeDrNatTunThenOthers()
    {
        var cases = new[]
        {
            Reports.Case("TUN-A-1", "tun", CaseVerdict.Pass),
            Reports.Case("ZZ-1", "fullnat", CaseVerdict.Pass),
            Reports.Case("NAT-A-2", "nat", CaseVerdict.Pass),
            Reports.Case("NAT-A-10", "nat", CaseVerdict.Pass),
            Reports.Case("DR-Z-1", "dr", CaseVerdict.Pass),
        };
        Assert.Equal(["DR-Z-1", "NAT-A-2", "NAT-A-10", "TUN-A-1", "ZZ-1"], cases.Order(CatalogueOrder.Instance).Select(c => c.Id));
    }
}
