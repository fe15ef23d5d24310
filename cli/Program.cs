using Commerce.Cli;

return await CommerceCommand.RunAsync(args);
