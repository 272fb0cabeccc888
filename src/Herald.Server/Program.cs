using Herald.Server.Cli;

return await HeraldCommandLine.RunAsync(args);
