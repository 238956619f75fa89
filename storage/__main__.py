import sys

from storage.admin.cli import main

sys.exit(main())
