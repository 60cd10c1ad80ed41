SET time_zone = '+00:00';
SET sql_mode = 'ALLOW_INVALID_DATES';
SET NAMES utf8mb4;
USE vals;
UPDATE all_types SET vc = 'updated', t2 = '-12:00:00.99' WHERE id = 1;
DELETE FROM all_types WHERE id = 2;
