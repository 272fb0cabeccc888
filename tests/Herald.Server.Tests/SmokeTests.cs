namespace Herald.Server.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Placeholder_Builds_True() => Assert.True(true);
}
