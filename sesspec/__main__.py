import sys

from sesspec.cli import main

sys.exit(main())
