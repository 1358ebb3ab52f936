import { MigrationInterface, QueryRunner } from "typeorm";

export class DropProjectFilters1796235412209 implements MigrationInterface {
    name = 'DropProjectFilters1796235412209'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "projects" DROP COLUMN "filters"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "projects" ADD "filters" jsonb NOT NULL DEFAULT '{}'`);
    }

}
