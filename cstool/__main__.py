from cstool.cli.main import run

run()
