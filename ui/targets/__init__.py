"""目標・配置 screens: targets, progress, designations and coverage."""
