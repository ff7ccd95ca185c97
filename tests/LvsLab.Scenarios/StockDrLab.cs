namespace LvsLab.Scenarios;

/// <summary>The stock DR lab shared by the classes that break it on purpose (each leaves it whole).</summary>
[CollectionDefinition(Name)]
public sealed class StockDrLab : ICollectionFixture<FaultLabFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "stock dr lab, broken on purpose";
}
