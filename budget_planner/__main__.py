from budget_planner.cli import main

main()
