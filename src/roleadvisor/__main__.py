from roleadvisor.cli import main

main()
