using HealthGateway.UnitNode;

return await UnitNodeApp.RunAsync(args);
