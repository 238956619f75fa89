import sys

from sms_modem.cli import main

sys.exit(main())
