from ecopole_kit.cli import main

main()
